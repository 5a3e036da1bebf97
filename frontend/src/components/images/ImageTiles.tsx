// Images as a grid of tiles, for a job's page and the gallery alike: each tile its thumbnail
// (the first URL seen, so it never reloads), its keyword and QC status; a click opens it. With
// `selection`, each tile has a checkbox (a shift-click selects the range from the last one).

import type { Image } from "../../api/client";
import { StatusBadge } from "../StatusBadge";

type Selection = { isSelected: (image: Image) => boolean; onToggle: (index: number, shift: boolean) => void };

type Props = {
  images: Image[];
  /** Test ids: `<prefix>-grid`, `<prefix>-tile`, `<prefix>-thumb`. */
  prefix: string;
  srcOf: (image: Image) => string | null;
  onOpen: (index: number) => void;
  /** The hover text of a tile (its prompt, by default). */
  titleOf?: (image: Image) => string;
  /** Load thumbnails only as they scroll into view (a long gallery), not all at once. */
  lazy?: boolean;
  selection?: Selection;
};

export function ImageTiles({ images, prefix, srcOf, onOpen, titleOf = (image) => image.prompt ?? "", lazy = false, selection }: Props) {
  return (
    <div className="image-grid" data-testid={`${prefix}-grid`}>
      {images.map((image, index) => (
        <figure key={image.id} className="image-tile" data-testid={`${prefix}-tile`} data-image-id={image.id} data-status={image.status}>
          <button type="button" className="image-button" title={titleOf(image)} aria-label={`View image: ${image.keyword ?? image.id}`} onClick={() => onOpen(index)}>
            <Thumb src={srcOf(image)} alt={image.prompt ?? image.keyword ?? ""} lazy={lazy} testId={`${prefix}-thumb`} />
          </button>
          <figcaption>
            {selection ? (
              <input
                type="checkbox"
                aria-label="Select image"
                data-testid="select-image"
                checked={selection.isSelected(image)}
                onChange={() => undefined}
                onClick={(event) => selection.onToggle(index, event.shiftKey)}
              />
            ) : null}
            <span className="image-keyword" title={image.prompt ?? ""}>
              {image.keyword ?? "—"}
            </span>
            <StatusBadge status={image.status} size="sm" />
          </figcaption>
        </figure>
      ))}
    </div>
  );
}

/** A thumbnail, or "No preview" for an image without a picture (its generation failed). */
export function Thumb({ src, alt, lazy = false, width, testId }: { src: string | null; alt: string; lazy?: boolean; width?: number; testId: string }) {
  if (!src) return <span className="image-missing">No preview</span>;
  return <img src={src} alt={alt} loading={lazy ? "lazy" : undefined} decoding="async" width={width} data-testid={testId} />;
}
