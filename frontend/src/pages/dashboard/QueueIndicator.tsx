// Jobs waiting their turn, compactly (seed 001's single job constraint): how many are queued and
// scheduled, which one is next, and each one's place, in a disclosure instead of a card per job.

import type { Job } from "../../api/client";
import { formatDateTime } from "../../lib/format";
import { jobLabel } from "../../lib/jobLabel";
import { JobRowActions } from "../jobs/JobRowActions";

type Props = { queued: Job[]; scheduled: Job[]; more: boolean };

export function QueueIndicator({ queued, scheduled, more }: Props) {
  const waiting = [...queued].sort((a, b) => (a.queue_position ?? 0) - (b.queue_position ?? 0));
  const next = waiting[0] ?? null;
  const count = (n: number) => `${n}${more ? "+" : ""}`;
  if (!waiting.length && !scheduled.length) {
    return (
      <p className="queue-indicator queue-empty" data-testid="queue-indicator" data-count="0">
        Queue: empty
      </p>
    );
  }
  return (
    <details className="queue-indicator" data-testid="queue-indicator" data-count={waiting.length + scheduled.length}>
      <summary>
        <span className="queue-counts">
          <strong data-testid="queue-queued">{count(waiting.length)}</strong> queued ·{" "}
          <strong data-testid="queue-scheduled">{count(scheduled.length)}</strong> scheduled
        </span>
        {next ? (
          <span className="queue-next" data-testid="queue-next">
            Next up: {jobLabel(next)}
            {next.queue_position ? ` (position ${next.queue_position})` : ""}
          </span>
        ) : null}
      </summary>
      <ol className="queue-list">
        {waiting.map((job) => (
          <li key={job.id} className="queue-item" data-testid="queue-item" data-job-id={job.id}>
            <span className="queue-place">#{job.queue_position ?? "?"}</span>
            <a href={`#/jobs/${encodeURIComponent(job.id)}`}>{jobLabel(job)}</a>
            <span className="queue-actions">
              <JobRowActions job={job} stopLabel="Cancel" />
            </span>
          </li>
        ))}
        {scheduled.map((job) => (
          <li key={job.id} className="queue-item" data-testid="queue-item" data-job-id={job.id}>
            <span className="queue-place">{job.scheduled_at ? formatDateTime(job.scheduled_at) : "Scheduled"}</span>
            <a href={`#/jobs/${encodeURIComponent(job.id)}`}>{jobLabel(job)}</a>
            <span className="queue-actions">
              <JobRowActions job={job} stopLabel="Cancel" />
            </span>
          </li>
        ))}
      </ol>
    </details>
  );
}
