// A job's images as tiles with their QC status, "Load more", a larger view on click.

import { useRef, useState } from "react";

import type { Image } from "../../api/client";
import { EmptyState } from "../../components/EmptyState";
import { ErrorAlert } from "../../components/ErrorAlert";
import { StatusBadge } from "../../components/StatusBadge";
import { useJobImages } from "../../queries/useJobImages";
import { failureText, ImageDialog } from "./ImageDialog";

type Props = { jobId: string; made: number; planned: number; pollMs: number | false };

export function ImageGrid({ jobId, made, planned, pollMs }: Props) {
  const images = useJobImages(jobId, pollMs);
  // Presigned URLs change on every read: keep the first one so an <img> never reloads.
  const sources = useRef(new Map<string, string | null>());
  const [open, setOpen] = useState<Image | null>(null);
  const items = images.data?.pages.flatMap((page) => page.items) ?? [];
  const srcOf = (image: Image) => {
    if (!sources.current.has(image.id)) sources.current.set(image.id, image.thumbnail_url ?? image.url ?? null);
    return sources.current.get(image.id) ?? null;
  };
  return (
    <section className="card" aria-labelledby="images-title">
      <div className="card-head">
        <h2 id="images-title" className="card-title">
          Images
        </h2>
        <span className="card-count">
          {made} of {planned} made
        </span>
      </div>
      <div className="card-body">
        <ErrorAlert error={images.error} />
        {items.length === 0 ? (
          <EmptyState title="No images yet">Images appear here as the job makes them.</EmptyState>
        ) : (
          <div className="image-grid" data-testid="image-grid">
            {items.map((image) => {
              const src = srcOf(image);
              return (
                <figure key={image.id} className="image-tile" data-testid="image-tile" data-image-id={image.id} data-status={image.status}>
                  <button
                    type="button"
                    className="image-button"
                    title={[image.prompt, failureText(image.failure)].filter(Boolean).join("\n")}
                    aria-label={`View image: ${image.keyword ?? image.id}`}
                    onClick={() => setOpen(image)}
                  >
                    {src ? (
                      <img src={src} alt={image.prompt ?? image.keyword ?? ""} decoding="async" data-testid="image-thumb" />
                    ) : (
                      <span className="image-missing">No preview</span>
                    )}
                  </button>
                  <figcaption>
                    <span className="image-keyword" title={image.prompt ?? ""}>
                      {image.keyword ?? "—"}
                    </span>
                    <StatusBadge status={image.status} size="sm" />
                  </figcaption>
                </figure>
              );
            })}
          </div>
        )}
      </div>
      {images.hasNextPage ? (
        <div className="card-foot">
          <button type="button" className="btn" data-testid="images-more" disabled={images.isFetchingNextPage} onClick={() => void images.fetchNextPage()}>
            Load more
          </button>
        </div>
      ) : null}
      {open ? <ImageDialog image={open} src={srcOf(open)} onClose={() => setOpen(null)} /> : null}
    </section>
  );
}
