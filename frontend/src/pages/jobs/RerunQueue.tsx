// The reruns a bulk rerun queued, in the order they run (one at a time), with where each stands.

import type { Job } from "../../api/client";
import { StatusBadge } from "../../components/StatusBadge";
import { stepText } from "../../lib/format";
import { jobLabel } from "../../lib/jobLabel";

export function RerunQueue({ jobs, onDismiss }: { jobs: Job[]; onDismiss: () => void }) {
  return (
    <section className="card rerun-queue" aria-labelledby="rerun-queue-title" data-testid="rerun-queue">
      <div className="card-head">
        <h2 id="rerun-queue-title" className="card-title">
          {jobs.length} rerun{jobs.length === 1 ? "" : "s"} queued
        </h2>
        <button type="button" className="btn btn-sm" onClick={onDismiss}>
          Dismiss
        </button>
      </div>
      <p className="muted">They run one at a time, in the order you selected them.</p>
      <ol className="queue-list">
        {jobs.map((job) => (
          <li key={job.id} data-testid="rerun-queued" data-job-id={job.id}>
            <a href={`#/jobs/${encodeURIComponent(job.id)}`}>{jobLabel(job)}</a> <StatusBadge status={job.status} size="sm" />{" "}
            <span className="muted">{stepText(job)}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}
