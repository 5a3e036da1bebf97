// The job running now (seed 001): status with a spinner, label, id, start time, "Step x/y: name",
// the progress bar under the seed's rules with the generation count, and the live log.

import type { Job } from "../../api/client";
import { StatusBadge } from "../../components/StatusBadge";
import { formatDateTime, stepText } from "../../lib/format";
import { isFinal } from "../../lib/status";
import { jobLabel } from "../../lib/jobLabel";
import { usePollInterval } from "../../live/liveCache";
import { useJob } from "../../queries/useJob";
import { LogViewer } from "../job/LogViewer";
import { JobProgress } from "./JobProgress";

type Props = { jobId: string; summary?: Job | null };

/** The job holding the slot; once it ends it stays, as "Last job", until another one starts. */
export function CurrentJob({ jobId, summary = null }: Props) {
  const detail = useJob(jobId);
  const job = detail.data?.job ?? summary;
  const pollMs = usePollInterval(1000, 10000);
  if (!job) return <p className="loading">Loading the current job…</p>;
  const ended = isFinal(job.status);
  const href = `#/jobs/${encodeURIComponent(job.id)}`;
  return (
    <section className="card current-job" aria-labelledby="current-title" data-testid="current-job" data-job-id={job.id}>
      <div className="card-head">
        <h2 id="current-title" className="card-title">
          {ended ? "Last job" : "Current job"}
        </h2>
        <span className="status-with-spinner">
          {job.status === "running" || job.status === "queued" ? <span className="spinner" aria-hidden="true" /> : null}
          <StatusBadge status={job.status} testId="current-status" />
        </span>
      </div>
      <div className="current-job-body">
        <dl className="facts">
          <div>
            <dt>Label</dt>
            <dd>
              <a href={href} data-testid="current-label">
                {jobLabel(job)}
              </a>
            </dd>
          </div>
          <div>
            <dt>Job ID</dt>
            <dd className="mono break">{job.id}</dd>
          </div>
          <div>
            <dt>Started at</dt>
            <dd>{job.started_at ? formatDateTime(job.started_at) : "Not started yet"}</dd>
          </div>
          <div>
            <dt>Current step</dt>
            <dd data-testid="current-step">{stepText(job) || "—"}</dd>
          </div>
        </dl>
        <JobProgress job={job} phases={detail.data?.job.phases ?? null} />
      </div>
      <LogViewer jobId={job.id} label={job.label} pollMs={ended ? false : pollMs} />
    </section>
  );
}
