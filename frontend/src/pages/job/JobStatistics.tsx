// The job's statistics (images, success rate) and its timing.

import type { JobDetail } from "../../api/client";
import { formatDateTime, formatDuration, formatPercent } from "../../lib/format";
import { isActive } from "../../lib/status";

function Stat({ label, value, testId, tone }: { label: string; value: string | number; testId: string; tone?: "ok" | "bad" | "" }) {
  return (
    <div className={tone ? `stat stat-${tone}` : "stat"}>
      <dt>{label}</dt>
      <dd data-testid={testId}>{value}</dd>
    </div>
  );
}

export function JobStatistics({ job }: { job: JobDetail }) {
  const s = job.statistics;
  return (
    <>
      <dl className="stats" data-testid="job-stats">
        <Stat label="Total images" value={s.total ?? 0} testId="stat-total" />
        <Stat label="Successful" value={s.successful ?? 0} testId="stat-successful" tone="ok" />
        <Stat label="Failed" value={s.failed ?? 0} testId="stat-failed" tone={s.failed ? "bad" : ""} />
        {/* Successful / planned: meaningful once the job has ended. */}
        <Stat label="Success rate" value={isActive(job.status) ? "—" : formatPercent(s.success_rate)} testId="stat-rate" />
      </dl>
      <h3 className="card-subtitle">Timing</h3>
      <dl className="details">
        <dt>Created</dt>
        <dd>{formatDateTime(job.created_at)}</dd>
        {job.scheduled_at ? (
          <>
            <dt>Scheduled for</dt>
            <dd>{formatDateTime(job.scheduled_at)}</dd>
          </>
        ) : null}
        {job.approval ? (
          <>
            <dt>Approval timeout</dt>
            <dd data-testid="stat-approval-timeout">
              {job.approval.timeout_h
                ? `${job.approval.timeout_h} h, then ${job.approval.default_action === "approve" ? "approved" : "rejected"} automatically${
                    job.approval.deadline ? ` (at ${formatDateTime(job.approval.deadline)})` : ""
                  }`
                : "None: the job waits for a decision"}
            </dd>
          </>
        ) : null}
        <dt>Started</dt>
        <dd>{formatDateTime(job.started_at)}</dd>
        <dt>Finished</dt>
        <dd>{formatDateTime(job.finished_at)}</dd>
        <dt>Duration</dt>
        <dd data-testid="stat-duration">{formatDuration(job.duration_s)}</dd>
        {(job.attempt ?? 1) > 1 ? (
          <>
            <dt>Attempt</dt>
            <dd>{job.attempt}</dd>
          </>
        ) : null}
      </dl>
    </>
  );
}
