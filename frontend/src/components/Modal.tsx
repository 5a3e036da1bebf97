// A native modal <dialog>, opened while mounted: focus stays inside, Escape closes it.

import { useEffect, useRef, type ReactNode } from "react";

type Props = {
  onClose: () => void;
  labelledBy: string;
  className?: string;
  testId?: string;
  children: ReactNode;
};

export function Modal({ onClose, labelledBy, className = "dialog", testId, children }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  const closeRef = useRef(onClose);
  closeRef.current = onClose;
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return undefined;
    if (!dialog.open) dialog.showModal();
    const onCancel = (event: Event) => {
      event.preventDefault();
      closeRef.current();
    };
    dialog.addEventListener("cancel", onCancel);
    return () => {
      dialog.removeEventListener("cancel", onCancel);
      if (dialog.open) dialog.close();
    };
  }, []);
  return (
    <dialog
      ref={ref}
      className={className}
      aria-labelledby={labelledBy}
      data-testid={testId}
      onClick={(event) => {
        if (event.target === ref.current) closeRef.current(); // a click on the backdrop
      }}
    >
      {children}
    </dialog>
  );
}
