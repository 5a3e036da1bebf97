// The latest approved images (seed 001's "Generated Images"), each linking to where it is seen
// in full: the gallery when the console has one, else its job.

import { EmptyState } from "../../components/EmptyState";
import { ErrorAlert } from "../../components/ErrorAlert";
import { useLatestImages } from "../../queries/useStats";

const COUNT = 8;

type Props = { galleryHref: string | null };

export function LatestImages({ galleryHref }: Props) {
  const images = useLatestImages(COUNT);
  return (
    <section className="card" aria-labelledby="latest-title">
      <div className="card-head">
        <h2 id="latest-title" className="card-title">
          Generated images
        </h2>
        {galleryHref ? (
          <a href={galleryHref} className="link">
            Gallery →
          </a>
        ) : null}
      </div>
      {images.error && !images.data ? <ErrorAlert error={images.error} /> : null}
      {images.data && !images.data.length ? <EmptyState title="No approved images yet">Images that pass show here.</EmptyState> : null}
      <ul className="latest-images" data-testid="latest-images">
        {(images.data ?? []).map((image) => (
          <li key={image.id}>
            <a
              href={galleryHref ?? `#/jobs/${encodeURIComponent(image.job_id)}`}
              className="latest-image"
              data-testid="latest-image"
              aria-label={`${image.title || image.keyword || "Image"}, open in the ${galleryHref ? "gallery" : "job"}`}
            >
              {image.thumbnail_url || image.url ? (
                <img src={image.thumbnail_url ?? image.url ?? ""} alt={image.title || image.prompt || ""} loading="lazy" width={120} height={120} />
              ) : (
                <span className="latest-missing">No preview</span>
              )}
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}
