// Presigned URLs change on every read of an image: keep the first one seen per image, so an
// <img> (a tile, its larger view) never loads the same picture again when a list is re-read.

import { useCallback, useRef } from "react";

import type { Image } from "../../api/client";

export function useFirstUrl(): (image: Image) => string | null {
  const sources = useRef(new Map<string, string | null>());
  return useCallback((image: Image) => {
    if (!sources.current.has(image.id)) sources.current.set(image.id, image.thumbnail_url ?? image.url ?? null);
    return sources.current.get(image.id) ?? null;
  }, []);
}
