// The gallery's selection: images picked one at a time or as a shift range, kept as more pages
// load (and across filters), the whole loaded page, or every image matching the filter. "All
// matching" is the filter itself, sent to the server, which reads the images a page at a time:
// any number of them, not only the loaded ones. It is for the filter it was chosen under: a
// change of the filter ends it.

import { useRef, useState } from "react";

import type { Image } from "../../api/client";
import type { ImageFilter, ImageSelection } from "../../queries/useImages";

export function useImageSelection(items: Image[], filter: ImageFilter) {
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [matchingFor, setMatchingFor] = useState<string | null>(null);
  const anchor = useRef<number | null>(null);
  const key = JSON.stringify(filter);
  const allMatching = matchingFor === key;

  const toggle = (index: number, shift: boolean) => {
    const id = items[index]?.id;
    if (!id) return;
    const from = anchor.current; // read now: the update below runs later
    setMatchingFor(null);
    setPicked((current) => {
      const next = new Set(allMatching ? [] : current);
      if (shift && from !== null) {
        const [low, high] = [Math.min(from, index), Math.max(from, index)];
        for (const image of items.slice(low, high + 1)) next.add(image.id);
      } else if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
    anchor.current = index;
  };

  return {
    allMatching,
    /** How many ids are picked (an "all matching" count comes from the server's dry run). */
    picked: picked.size,
    isSelected: (image: Image) => allMatching || picked.has(image.id),
    toggle,
    selectPage: () => {
      setMatchingFor(null);
      setPicked(new Set(items.map((image) => image.id)));
    },
    selectAllMatching: () => setMatchingFor(key),
    clear: () => {
      setMatchingFor(null);
      setPicked(new Set());
      anchor.current = null;
    },
    /** What the bulk routes take: the ids, or the filter. */
    body: (): ImageSelection => (allMatching ? { filter } : { ids: [...picked] }),
  };
}
