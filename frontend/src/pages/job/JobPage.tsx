// #/jobs/<id>: one job, live: status, progress, actions, phases, statistics, logs, images, its
// settings (as run beside what a rerun would use, editable) and its rerun lineage.

import { useState } from "react";
import { useParams } from "react-router";

import type { Export, JobDetail } from "../../api/client";

import { ApiError } from "../../api/errors";
import { ErrorAlert } from "../../components/ErrorAlert";
import { ProgressBar } from "../../components/ProgressBar";
import { StatusBadge } from "../../components/StatusBadge";
import { useTitle } from "../../hooks/useTitle";
import { shortId, stepText } from "../../lib/format";
import { jobLabel } from "../../lib/jobLabel";
import { isActive, statusLabel } from "../../lib/status";
import { useLiveJob, useLiveState } from "../../live/liveCache";
import { useJob } from "../../queries/useJob";
import { EditSettingsModal } from "./EditSettingsModal";
import { ApprovalNotice, JobActions, useRunJobAction } from "./JobActions";
import { JobExportButton, JobExportStatus } from "./JobExport";
import { Lineage } from "./Lineage";
import { SettingsOverview } from "./SettingsOverview";
import { JobStatistics } from "./JobStatistics";
import { JobCost } from "./JobCost";
import { LogViewer } from "./LogViewer";
import { ImageGrid } from "./ImageGrid";
import { StepTimeline } from "./StepTimeline";

export function JobPage() {
  const { jobId = "" } = useParams();
  useLiveJob(jobId);
  const liveState = useLiveState();
  const query = useJob(jobId);
  const job = query.data?.job;
  useTitle(job ? jobLabel(job) : "Job");
  const [editing, setEditing] = useState<"save" | "rerun" | null>(null);
  const [exported, setExported] = useState<Export | null>(null);

  if (query.error instanceof ApiError && query.error.status === 404) {
    return (
      <>
        <div className="notice notice-error" role="alert" data-testid="job-not-found">
          Job {jobId} was not found. It may have been deleted.
        </div>
        <p>
          <a href="#/jobs" className="link">
            ← Back to jobs
          </a>
        </p>
      </>
    );
  }
  // While the job runs, its log and images poll as a safety net; once it ended, they are read
  // once more (the final status invalidates them) and then stay.
  const running = job ? isActive(job.status) : true;
  const pollMs = running ? (liveState === "live" ? 10000 : 1000) : false;

  return (
    <>
      <nav className="breadcrumb" aria-label="Breadcrumb">
        <a href="#/jobs">Jobs</a>
        <span aria-hidden="true">/</span>
        <span>{job ? jobLabel(job) : "…"}</span>
      </nav>
      {query.error && job ? (
        <div className="notice notice-warn" role="status">
          Lost contact with the API ({(query.error as Error).message}); retrying…
        </div>
      ) : null}
      {!job ? (
        query.error ? <ErrorAlert error={query.error} onRetry={() => void query.refetch()} /> : <p className="loading">Loading job…</p>
      ) : (
        <>
          <section className="card job-header">
            <div className="job-header-top">
              <div className="job-heading">
                <div className="job-title-row">
                  <h1 className="job-title" data-testid="job-label">
                    {job.label || job.id}
                  </h1>
                  <StatusBadge status={job.status} size="lg" testId="job-status" />
                </div>
                <p className="job-meta">
                  ID <span className="mono" data-testid="job-id">{job.id}</span>
                  {job.parent_id ? (
                    <span className="job-parent" data-testid="job-parent">
                      {" "}
                      · Rerun of <a href={`#/jobs/${encodeURIComponent(job.parent_id)}`}>{shortId(job.parent_id)}</a>
                    </span>
                  ) : null}
                </p>
              </div>
              <div className="job-actions-col">
                <JobActions job={job} onRerunWithChanges={() => setEditing("rerun")} />
                <JobExportButton job={job} onStarted={setExported} />
              </div>
            </div>
            <ProgressBar value={job.progress} status={job.status} size="lg" testId="job-progress" />
            <div className="job-step-row">
              <p className="job-step" data-testid="job-step">
                {stepText(job) || statusLabel(job.status)}
              </p>
              {job.status === "queued" && job.queue_position ? (
                <p className="job-queue" data-testid="job-queue">
                  Position {job.queue_position} in the queue: jobs run one at a time, in order.
                </p>
              ) : null}
              {liveState === "live" ? (
                <span className="live-indicator" data-testid="live-indicator" title="Updates arrive over the WebSocket as they happen">
                  Live
                </span>
              ) : null}
            </div>
          </section>
          <JobExportStatus started={exported} onDismiss={() => setExported(null)} />
          <ApprovalNotice job={job} />
          {job.error ? (
            <div className="notice notice-error" role="alert" data-testid="job-error">
              Error: {job.error}
            </div>
          ) : null}
          <div className="job-grid">
            <section className="card" aria-labelledby="phases-title">
              <h2 id="phases-title" className="card-title">
                Step timeline
              </h2>
              <StepTimeline job={job} />
            </section>
            <section className="card" aria-labelledby="stats-title">
              <h2 id="stats-title" className="card-title">
                Statistics
              </h2>
              <JobStatistics job={job} />
            </section>
            <section className="card" aria-labelledby="cost-title">
              <h2 id="cost-title" className="card-title">
                Cost
              </h2>
              <JobCost cost={job.cost} />
            </section>
          </div>
          <LogViewer jobId={job.id} label={job.label} pollMs={pollMs} />
          <ImageGrid jobId={job.id} made={job.images_ok ?? 0} planned={job.images_planned} pollMs={pollMs} />
          <SettingsOverview job={job} onEdit={() => setEditing("save")} />
          <Lineage job={job} />
          {editing ? <Editing job={job} mode={editing} onDone={() => setEditing(null)} /> : null}
        </>
      )}
    </>
  );
}

/** The Edit Settings modal: "Save Settings", or "Save and rerun" (seed 000's single-view rerun
 * that lets the user change the settings first). */
function Editing({ job, mode, onDone }: { job: JobDetail; mode: "save" | "rerun"; onDone: () => void }) {
  const { run } = useRunJobAction(job);
  return (
    <EditSettingsModal
      job={job}
      saveLabel={mode === "rerun" ? "Save and rerun" : "Save Settings"}
      onClose={onDone}
      onSaved={() => {
        onDone();
        if (mode === "rerun") run("rerun");
      }}
    />
  );
}
