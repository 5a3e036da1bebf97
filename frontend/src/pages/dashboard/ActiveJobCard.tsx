// A job that is not finished yet, as a card with its progress and a stop button.

import type { Job } from "../../api/client";
import { ProgressBar } from "../../components/ProgressBar";
import { StatusBadge } from "../../components/StatusBadge";
import { formatDateTime, shortId, stepText } from "../../lib/format";
import { jobLabel } from "../../lib/jobLabel";
import { StopButton } from "./StopButton";

export function ActiveJobCard({ job }: { job: Job }) {
  const href = `#/jobs/${encodeURIComponent(job.id)}`;
  return (
    <article className="active-job" data-testid="active-job" data-job-id={job.id}>
      <div className="active-job-head">
        <a href={href} className="active-job-title">
          {jobLabel(job)}
        </a>
        <StatusBadge status={job.status} />
      </div>
      <ProgressBar value={job.progress} status={job.status} />
      <div className="active-job-meta">
        <span>{stepText(job) || "—"}</span>
        <span>
          {job.images_ok ?? 0} / {job.images_planned} images
        </span>
        <span>{job.started_at ? `Started ${formatDateTime(job.started_at)}` : "Not started yet"}</span>
        <span className="mono" title={job.id}>
          {shortId(job.id)}
        </span>
      </div>
      <div className="active-job-actions">
        <a href={href} className="btn btn-sm">
          Open job
        </a>
        <StopButton job={job} label="Stop job" />
      </div>
    </article>
  );
}
