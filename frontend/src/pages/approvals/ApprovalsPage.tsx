// #/approvals: every job waiting for approval, with its QC results and a grid of its images.
// Open an image full size; mark images to reject before post-processing, then approve the job
// (it goes on with the rest) or reject it whole. The timeout and its default action are shown.

import { useState } from "react";

import type { Image } from "../../api/client";
import { errorMessage } from "../../api/errors";
import { EmptyState } from "../../components/EmptyState";
import { useToast } from "../../components/Toasts";
import { useIdSet } from "../../hooks/useIdSet";
import { useTitle } from "../../hooks/useTitle";
import { useLiveJob } from "../../live/liveCache";
import { useApprovals, useRejectImages, type InboxEntry } from "../../queries/useApprovals";
import { useJobAction } from "../../queries/useJobActions";
import { ImageDialog } from "../job/ImageDialog";

export function ApprovalsPage() {
  useTitle("Approvals");
  useLiveJob("*");
  const inbox = useApprovals();
  const items = inbox.data?.items;
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Approvals</h1>
          <p className="subtitle">Jobs waiting for your decision, the one waiting longest first.</p>
        </div>
      </div>
      {inbox.error ? <p className="notice notice-error">{errorMessage(inbox.error)}</p> : null}
      {!items ? (
        <p className="loading">Loading…</p>
      ) : items.length ? (
        items.map((entry) => <InboxJob key={entry.job.id} entry={entry} />)
      ) : (
        <EmptyState title="Nothing waits for approval">Jobs with “Wait for my approval” stop here after generation and QC.</EmptyState>
      )}
    </>
  );
}

function InboxJob({ entry }: { entry: InboxEntry }) {
  const toast = useToast();
  const action = useJobAction();
  const reject = useRejectImages();
  const { ids: marked, toggle, clear } = useIdSet();
  const [open, setOpen] = useState<Image | null>(null);
  const { job, approval, qc } = entry;
  const rejectMarked = () =>
    reject.mutate(
      { jobId: job.id, imageIds: [...marked] },
      {
        onSuccess: (answer) => {
          clear();
          toast(`${answer.rejected.length} image(s) rejected`, "success");
        },
        onError: (error) => toast(errorMessage(error), "error"),
      },
    );
  const decide = (verb: "approve" | "reject") =>
    action.mutate(
      { action: verb, jobId: job.id },
      {
        onSuccess: () => toast(verb === "approve" ? `“${job.label}” approved` : `“${job.label}” rejected`, "success"),
        onError: (error) => toast(errorMessage(error), "error"),
      },
    );
  return (
    <section className="card inbox-job" aria-labelledby={`inbox-${job.id}`} data-testid="inbox-job" data-job-id={job.id}>
      <div className="card-head">
        <h2 id={`inbox-${job.id}`} className="card-title">
          <a href={`#/jobs/${encodeURIComponent(job.id)}`}>{job.label}</a>
        </h2>
        <div className="inbox-actions">
          <button type="button" className="btn" data-testid="reject-images" disabled={!marked.size || reject.isPending} onClick={rejectMarked}>
            Reject {marked.size} image(s)
          </button>
          <button type="button" className="btn" data-testid="reject-job" onClick={() => decide("reject")}>
            Reject job
          </button>
          <button type="button" className="btn btn-primary" data-testid="approve-job" onClick={() => decide("approve")}>
            Approve
          </button>
        </div>
      </div>
      <p className="field-hint" data-testid="inbox-qc">
        {qc.quality_check ? `QC: ${qc.approved} passed, ${qc.qc_failed} failed` : "No quality check"}
        {qc.rejected ? ` · ${qc.rejected} rejected by you` : ""}
        {approval.timeout_h
          ? ` · ${approval.default_action === "approve" ? "approved" : "rejected"} automatically at ${new Date(String(approval.deadline)).toLocaleString()}`
          : ""}
      </p>
      <ul className="inbox-grid">
        {entry.images.map((image) => {
          const isMarked = marked.has(image.id);
          const state = image.qc_state ?? "pending";
          return (
            <li key={image.id} className={`inbox-image inbox-${state}${isMarked ? " marked" : ""}`} data-testid="inbox-image" data-state={state}>
              <button type="button" className="inbox-thumb" aria-label={`Open image ${(image.generation ?? 0) + 1}.${(image.variation ?? 0) + 1}`} onClick={() => setOpen(image)}>
                {image.thumbnail_url ? <img src={image.thumbnail_url} alt={image.prompt ?? ""} loading="lazy" /> : null}
              </button>
              <label className="inbox-mark">
                <input
                  type="checkbox"
                  checked={isMarked}
                  disabled={state === "rejected" || state === "qc_failed"}
                  onChange={() => toggle(image.id)}
                  aria-label={`Reject image ${(image.generation ?? 0) + 1}.${(image.variation ?? 0) + 1}`}
                />
                {state === "rejected" ? "Rejected" : state === "qc_failed" ? `QC failed: ${image.qc_reason ?? ""}` : "Reject"}
              </label>
            </li>
          );
        })}
      </ul>
      {entry.more_images ? <p className="field-hint">More images on the job page.</p> : null}
      {open ? <ImageDialog image={open} src={open.url ?? open.thumbnail_url ?? null} onClose={() => setOpen(null)} /> : null}
    </section>
  );
}
