// A list's filters, sort and page kept in the URL's search params (after the `#/path?`), so a
// reload or a shared link shows the same list. Changing a filter goes back to the first page.
// Pages are the API's opaque cursors: the trail of cursors that led to this page is kept (as
// repeated `cursor` params) so Previous works after a reload too. A cursor is always passed back
// exactly as the API gave it.
//
// react-router's functional setSearchParams starts from the params of the last render, so a
// second change made before the page re-renders (a search applied with Enter, then a job chosen
// while the first navigation is still rendering) would silently drop the first. Each change here
// starts from the newest params asked for instead, until the render catches up with them.

import { useCallback, useEffect, useMemo, useRef } from "react";
import { useSearchParams } from "react-router";

export const CURSOR_KEY = "cursor";

export type TableURLState<K extends string> = {
  filters: Record<K, string>;
  /** The cursor of the page on screen (undefined: the first page). */
  cursor: string | undefined;
  page: number;
  setFilters: (changes: Partial<Record<K, string>>) => void;
  nextPage: (cursor: string) => void;
  previousPage: () => void;
  firstPage: () => void;
};

export function useTableURLState<K extends string>(defaults: Record<K, string>): TableURLState<K> {
  const [params, setParams] = useSearchParams();
  const names = Object.keys(defaults) as K[];
  const filters = useMemo(() => {
    const out = {} as Record<K, string>;
    for (const name of names) out[name] = params.get(name) ?? defaults[name];
    return out;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [params]);
  const trail = params.getAll(CURSOR_KEY);
  // The params last asked for, and the rendered params they were asked from.
  const asked = useRef<{ from: string; next: URLSearchParams } | null>(null);
  useEffect(() => {
    asked.current = null; // the render has caught up (or Back moved elsewhere): start from it
  }, [params]);

  const update = useCallback(
    (change: (next: URLSearchParams) => void) => {
      const rendered = params.toString();
      const pending = asked.current && asked.current.from === rendered ? asked.current.next : params;
      const next = new URLSearchParams(pending);
      change(next);
      asked.current = { from: rendered, next };
      setParams(next, { replace: false });
    },
    [params, setParams],
  );

  return {
    filters,
    cursor: trail.length ? trail[trail.length - 1] : undefined,
    page: trail.length + 1,
    setFilters: (changes) =>
      update((next) => {
        for (const [name, value] of Object.entries(changes) as [K, string | undefined][]) {
          if (value === undefined || value === "" || value === defaults[name]) next.delete(name);
          else next.set(name, value);
        }
        next.delete(CURSOR_KEY);
      }),
    nextPage: (cursor) => update((next) => next.append(CURSOR_KEY, cursor)),
    previousPage: () =>
      update((next) => {
        const rest = next.getAll(CURSOR_KEY).slice(0, -1);
        next.delete(CURSOR_KEY);
        for (const c of rest) next.append(CURSOR_KEY, c);
      }),
    firstPage: () => update((next) => next.delete(CURSOR_KEY)),
  };
}
