// The step timeline (seed 004): each phase with its outcome, when it started, how long it ran and
// the error it ended with; the execution's metrics; and what the job produced (its artifacts).

import type { JobDetail } from "../../api/client";
import { StatusBadge } from "../../components/StatusBadge";
import { formatClock, formatDuration, phaseTitle } from "../../lib/format";

const MARKERS: Record<string, string> = { succeeded: "✓", failed: "✕", cancelled: "–", skipped: "–" };

export function StepTimeline({ job }: { job: JobDetail }) {
  const m = job.metrics;
  return (
    <>
      <ol className="timeline" data-testid="job-timeline">
        {job.phases.length === 0 ? <li className="muted">No phase plan yet.</li> : null}
        {job.phases.map((phase, index) => (
          <li key={`${phase.name}-${index}`} data-testid="timeline-step" data-status={phase.status} data-phase={phase.name}>
            <span className={`phase-marker phase-${phase.state}`} aria-hidden="true">
              {MARKERS[phase.status] ?? String(index + 1)}
            </span>
            <span className="phase-name">{phaseTitle(phase.name)}</span>
            <StatusBadge status={phase.status} size="sm" testId="step-status" />
            <span className="muted" title="Started">
              {phase.started_at ? formatClock(phase.started_at) : "—"}
            </span>
            <span className="num" data-testid="step-duration" title="Duration">
              {formatDuration(phase.seconds)}
            </span>
            {phase.error ? (
              <span className="phase-error" data-testid="step-error">
                {phase.error}
              </span>
            ) : null}
          </li>
        ))}
      </ol>
      <dl className="metrics" data-testid="job-metrics">
        <div className="stat">
          <dt>Total duration</dt>
          <dd data-testid="metric-duration">{formatDuration(m.total_s)}</dd>
        </div>
        <div className="stat stat-ok">
          <dt>Steps succeeded</dt>
          <dd data-testid="metric-succeeded">
            {m.steps_succeeded} / {m.steps}
          </dd>
        </div>
        <div className={m.steps_failed ? "stat stat-bad" : "stat"}>
          <dt>Steps failed</dt>
          <dd data-testid="metric-failed">{m.steps_failed}</dd>
        </div>
        <div className="stat">
          <dt>Resumes</dt>
          <dd data-testid="metric-resumes" title="Each resume from a checkpoint is another attempt">
            {m.resumes}
          </dd>
        </div>
      </dl>
      <h3 className="card-subtitle">Artifacts</h3>
      <ul className="artifacts" data-testid="job-artifacts">
        <li>
          <a href="#images-title" onClick={(e) => { e.preventDefault(); document.getElementById("images-title")?.scrollIntoView(); }}>
            {job.images_ok ?? 0} approved image{job.images_ok === 1 ? "" : "s"}
          </a>
          {job.images_failed ? `, ${job.images_failed} failed` : ""}
        </li>
        <li>The log (Logs: copy or download)</li>
        <li>Exports: Export writes this job's spreadsheet; the finished file is offered for download</li>
      </ul>
    </>
  );
}
