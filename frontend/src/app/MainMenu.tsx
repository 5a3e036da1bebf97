// The header's menu (seed 001's hamburger): every page of the console, on any screen width. On a
// phone it is the navigation, the header's links being hidden there. Escape or a click outside
// closes it; the keyboard returns to the menu button.

import { useEffect, useId, useRef, useState } from "react";
import { NavLink, useLocation } from "react-router";

import { MENU } from "./menu";

export function MainMenu() {
  const [open, setOpen] = useState(false);
  const id = useId();
  const button = useRef<HTMLButtonElement>(null);
  const panel = useRef<HTMLDivElement>(null);
  const { pathname } = useLocation();
  useEffect(() => setOpen(false), [pathname]);
  useEffect(() => {
    if (!open) return undefined;
    panel.current?.querySelector<HTMLElement>("a")?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") {
        setOpen(false);
        button.current?.focus();
      }
    };
    const onClick = (event: MouseEvent) => {
      const target = event.target as Node;
      if (!panel.current?.contains(target) && !button.current?.contains(target)) setOpen(false);
    };
    document.addEventListener("keydown", onKey);
    document.addEventListener("mousedown", onClick);
    return () => {
      document.removeEventListener("keydown", onKey);
      document.removeEventListener("mousedown", onClick);
    };
  }, [open]);
  return (
    <div className="menu">
      <button
        ref={button}
        type="button"
        className="btn"
        aria-expanded={open}
        aria-controls={`${id}-menu`}
        data-testid="menu-button"
        onClick={() => setOpen(!open)}
      >
        <span aria-hidden="true">☰</span> Menu
      </button>
      <div ref={panel} id={`${id}-menu`} className="menu-panel" hidden={!open} data-testid="menu">
        <nav aria-label="Menu">
          {MENU.map((item) => (
            <NavLink key={item.to} to={item.to} end={item.to === "/"}>
              {item.label}
            </NavLink>
          ))}
        </nav>
      </div>
    </div>
  );
}
