// The gallery's image modal: full size, metadata, QC status and reason, and a Processing tab
// with the settings actually applied (GET /api/images/{id}). Arrows move, Escape closes.

import { useEffect, useState } from "react";

import type { Image } from "../../api/client";
import { Modal } from "../../components/Modal";
import { StatusBadge } from "../../components/StatusBadge";
import { formatDateTime } from "../../lib/format";
import { useImageDetail } from "../../queries/useImages";
import { failureText } from "../job/ImageDialog";

type Props = { image: Image; onClose: () => void; onMove: (step: -1 | 1) => void };

function Row({ term, value }: { term: string; value: unknown }) {
  const text = value === null || value === undefined || value === "" ? "—" : String(value);
  return (
    <>
      <dt>{term}</dt>
      <dd>{text}</dd>
    </>
  );
}

export function GalleryImageDialog({ image, onClose, onMove }: Props) {
  const [tab, setTab] = useState<"details" | "processing">("details");
  const detail = useImageDetail(image.id);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "ArrowLeft") onMove(-1);
      if (event.key === "ArrowRight") onMove(1);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onMove]);
  const applied = detail.data?.applied;
  const size = image.width && image.height ? `${image.width} × ${image.height}` : null;
  return (
    <Modal onClose={onClose} labelledBy={`gallery-image-${image.id}`} className="dialog dialog-image" testId="gallery-image-dialog">
      <div className="image-view" data-image-id={image.id}>
        <div className="image-view-media">{image.url ? <img src={image.url} alt={image.prompt ?? image.keyword ?? ""} /> : null}</div>
        <div className="image-view-info">
          <div className="image-view-head" id={`gallery-image-${image.id}`}>
            <StatusBadge status={image.status} />
          </div>
          <div className="tabs" role="tablist">
            <button type="button" role="tab" aria-selected={tab === "details"} className="btn btn-sm" onClick={() => setTab("details")}>
              Details
            </button>
            <button
              type="button"
              role="tab"
              aria-selected={tab === "processing"}
              className="btn btn-sm"
              data-testid="processing-tab"
              onClick={() => setTab("processing")}
            >
              Processing
            </button>
          </div>
          {tab === "details" ? (
            <dl className="details" data-testid="image-details">
              <Row term="Title" value={image.title} />
              <Row term="Description" value={image.description} />
              <Row term="Tags" value={image.tags.join(", ")} />
              <Row term="Prompt" value={image.prompt} />
              <Row term="Keyword" value={image.keyword} />
              <Row term="Seed" value={image.seed} />
              <Row term="Size" value={size} />
              <Row term="Provider" value={image.provider} />
              <Row term="Created" value={formatDateTime(image.created_at)} />
              <Row term="QC reason" value={image.qc_reason} />
              <Row term="Failure" value={failureText(image.failure)} />
            </dl>
          ) : (
            <div data-testid="processing-settings">
              <p className="muted">
                {applied?.source === "custom_retry"
                  ? "Custom settings of the retry that processed this image"
                  : "The job's settings as it ran (its snapshot)"}
              </p>
              <dl className="details">
                {Object.entries(applied?.processing ?? {}).map(([name, value]) => (
                  <Row key={name} term={name.replace(/_/g, " ")} value={typeof value === "boolean" ? (value ? "on" : "off") : value} />
                ))}
                <Row term="quality check" value={applied?.quality_check ? "on" : "off"} />
                <Row term="metadata" value={applied?.metadata ? "on" : "off"} />
              </dl>
            </div>
          )}
          <div className="dialog-actions">
            <button type="button" className="btn" onClick={() => onMove(-1)} aria-label="Previous image">
              ←
            </button>
            <button type="button" className="btn" onClick={() => onMove(1)} aria-label="Next image">
              →
            </button>
            <button type="button" className="btn" data-testid="close-image" onClick={onClose} autoFocus>
              Close
            </button>
          </div>
        </div>
      </div>
    </Modal>
  );
}
