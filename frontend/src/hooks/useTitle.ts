import { useEffect } from "react";

/** The browser tab's title: "<page> · Image Factory". */
export function useTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · Image Factory`;
  }, [title]);
}
