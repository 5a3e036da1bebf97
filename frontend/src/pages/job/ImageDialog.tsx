// One image, larger, with what is known about it.

import type { ReactNode } from "react";

import type { Image } from "../../api/client";
import { Modal } from "../../components/Modal";
import { StatusBadge } from "../../components/StatusBadge";
import { formatDateTime } from "../../lib/format";

/** {"stage", "category", "message"} → "Conversion failed: <message>". */
export function failureText(failure: Image["failure"]): string | null {
  if (!failure) return null;
  const head = failure.category || failure.stage || "Failed";
  return failure.message ? `${head}: ${failure.message}` : head;
}

function Row({ term, value }: { term: string; value: ReactNode }) {
  return (
    <>
      <dt>{term}</dt>
      <dd>{value === null || value === undefined || value === "" ? "—" : value}</dd>
    </>
  );
}

export function ImageDialog({ image, src, onClose }: { image: Image; src: string | null; onClose: () => void }) {
  const size = image.width && image.height ? `${image.width} × ${image.height}` : null;
  return (
    <Modal onClose={onClose} labelledBy={`image-${image.id}`} className="dialog dialog-image" testId="image-dialog">
      <div className="image-view">
        <div className="image-view-media">{src ? <img src={image.url ?? src} alt={image.prompt ?? image.keyword ?? ""} /> : null}</div>
        <div className="image-view-info">
          <div className="image-view-head" id={`image-${image.id}`}>
            <StatusBadge status={image.status} />
          </div>
          <dl className="details">
            {image.title ? <Row term="Title" value={image.title} /> : null}
            {image.description ? <Row term="Description" value={image.description} /> : null}
            {image.tags.length ? <Row term="Tags" value={image.tags.join(", ")} /> : null}
            <Row term="Prompt" value={image.prompt} />
            <Row term="Keyword" value={image.keyword} />
            <Row term="Seed" value={image.seed} />
            <Row term="Size" value={size} />
            <Row term="Provider" value={image.provider} />
            <Row term="Generation" value={`${(image.generation ?? 0) + 1}, variation ${(image.variation ?? 0) + 1}`} />
            <Row term="Created" value={formatDateTime(image.created_at)} />
            {image.qc_reason ? <Row term="QC reason" value={image.qc_reason} /> : null}
            {image.failure ? <Row term="Failure" value={failureText(image.failure)} /> : null}
          </dl>
          <div className="dialog-actions">
            {image.url ? (
              <a href={image.url} target="_blank" rel="noopener noreferrer" className="btn">
                Open original
              </a>
            ) : null}
            <button type="button" className="btn" data-testid="close-image" onClick={onClose} autoFocus>
              Close
            </button>
          </div>
        </div>
      </div>
    </Modal>
  );
}
