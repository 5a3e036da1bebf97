// Scheduled jobs in the order they join the queue, each with its time and a Cancel button.

import { formatDateTime } from "../../lib/format";
import type { ScheduledItem } from "../../queries/useQueue";

type Props = { jobs: ScheduledItem[]; onCancel: (jobId: string) => void; busy?: boolean };

export function ScheduledList({ jobs, onCancel, busy = false }: Props) {
  return (
    <ul className="queue-list" data-testid="scheduled-list">
      {jobs.map((job) => (
        <li key={job.id} className="queue-row" data-testid="scheduled-row" data-job-id={job.id}>
          <a className="queue-label" href={`#/jobs/${encodeURIComponent(job.id)}`}>
            {job.label}
          </a>
          <span className="queue-images">{job.images} image(s)</span>
          <span className="queue-start">joins the queue {job.scheduled_at ? formatDateTime(job.scheduled_at) : "at its time"}</span>
          <button type="button" className="btn btn-sm" disabled={busy} aria-label={`Cancel ${job.label}`} onClick={() => onCancel(job.id)}>
            Cancel
          </button>
        </li>
      ))}
    </ul>
  );
}
