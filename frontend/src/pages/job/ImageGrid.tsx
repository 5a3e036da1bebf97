// A job's images as tiles with their QC status, "Load more", a larger view on click.

import { useState } from "react";

import type { Image } from "../../api/client";
import { EmptyState } from "../../components/EmptyState";
import { ErrorAlert } from "../../components/ErrorAlert";
import { ImageTiles } from "../../components/images/ImageTiles";
import { useFirstUrl } from "../../components/images/useFirstUrl";
import { useJobImages } from "../../queries/useJobImages";
import { failureText, ImageDialog } from "./ImageDialog";

type Props = { jobId: string; made: number; planned: number; pollMs: number | false };

export function ImageGrid({ jobId, made, planned, pollMs }: Props) {
  const images = useJobImages(jobId, pollMs);
  const srcOf = useFirstUrl();
  const [open, setOpen] = useState<Image | null>(null);
  const items = images.data?.pages.flatMap((page) => page.items) ?? [];
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
          <ImageTiles
            images={items}
            prefix="image"
            srcOf={srcOf}
            onOpen={(index) => setOpen(items[index] ?? null)}
            titleOf={(image) => [image.prompt, failureText(image.failure)].filter(Boolean).join("\n")}
          />
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
