// Where this job comes from and what came of it: the job it reruns, and its own reruns.

import type { JobDetail } from "../../api/client";
import { StatusBadge } from "../../components/StatusBadge";
import { formatShortDateTime, shortId } from "../../lib/format";
import { jobLabel } from "../../lib/jobLabel";
import { useJobs } from "../../queries/useJobs";

export function Lineage({ job }: { job: JobDetail }) {
  const reruns = useJobs({ parent: job.id, limit: 20, sort: "newest" });
  const items = reruns.data?.items ?? [];
  if (!job.parent_id && items.length === 0) return null;
  return (
    <section className="card" aria-labelledby="lineage-title" data-testid="job-lineage">
      <h2 id="lineage-title" className="card-title">
        Reruns
      </h2>
      {job.parent_id ? (
        <p data-testid="lineage-parent">
          This job reruns <a href={`#/jobs/${encodeURIComponent(job.parent_id)}`}>{shortId(job.parent_id)}</a>.
        </p>
      ) : null}
      {items.length ? (
        <>
          <p>Reruns of this job:</p>
          <ul className="lineage-list" data-testid="lineage-reruns">
            {items.map((rerun) => (
              <li key={rerun.id} data-job-id={rerun.id}>
                <a href={`#/jobs/${encodeURIComponent(rerun.id)}`}>{jobLabel(rerun)}</a> <StatusBadge status={rerun.status} size="sm" />{" "}
                <span className="muted">{formatShortDateTime(rerun.created_at)}</span>
              </li>
            ))}
          </ul>
          {reruns.data?.next_cursor ? (
            <p className="muted">
              <a href={`#/jobs?q=${encodeURIComponent(job.label.replace(/\s*\(Rerun [0-9a-f]+\)$/, ""))}`}>More reruns in the jobs list</a>
            </p>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
