// A set of ids a page picks (images to retry, jobs to cancel, images to reject): toggle one,
// add some, clear them all.

import { useCallback, useState } from "react";

export function useIdSet() {
  const [ids, setIds] = useState<ReadonlySet<string>>(new Set());
  const toggle = useCallback(
    (id: string) =>
      setIds((current) => {
        const next = new Set(current);
        if (next.has(id)) next.delete(id);
        else next.add(id);
        return next;
      }),
    [],
  );
  const add = useCallback((more: Iterable<string>) => setIds((current) => new Set([...current, ...more])), []);
  const clear = useCallback(() => setIds(new Set()), []);
  return { ids, toggle, add, clear };
}
