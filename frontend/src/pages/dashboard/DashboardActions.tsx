// The dashboard header's job controls (seed 001): Start Job reads "Starting…" while the job is
// created and becomes Stop Job while a job runs; starting another then queues it and says so;
// Force Stop ends the current job at once, after a confirmation.

import { useState } from "react";

import type { Job } from "../../api/client";
import { ApiError, errorMessage } from "../../api/errors";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { useToast } from "../../components/Toasts";
import { jobLabel } from "../../lib/jobLabel";
import { useJobAction, useStartJob } from "../../queries/useJobActions";

/** The current job as the controls need it: who it is, and whether a stop is already asked for. */
export type CurrentSummary = Pick<Job, "id" | "label" | "status"> & Partial<Pick<Job, "control" | "parent_id">>;

export function DashboardActions({ current }: { current: CurrentSummary | null }) {
  const start = useStartJob();
  const stop = useJobAction();
  const force = useJobAction();
  const toast = useToast();
  const [confirming, setConfirming] = useState(false);
  const stopping = current?.control === "stop" || current?.control === "force";

  const onStart = () =>
    start.mutate(
      { config: {} }, // the workspace's default configuration (Settings)
      {
        onSuccess: (job) => {
          const position = job.queue_position ?? 0;
          if (current || position > 1) {
            toast(`“${job.label}” is queued${position ? ` (position ${position})` : ""}: it starts when the jobs before it end`, "info");
          } else toast(`Job “${job.label}” started`, "success");
        },
        onError: (error) => {
          if (!(error instanceof ApiError && error.status === 401)) toast(errorMessage(error), "error");
        },
      },
    );

  return (
    <div className="page-actions" data-testid="dashboard-actions">
      {current ? (
        <button
          type="button"
          className="btn btn-primary"
          data-testid="stop-job"
          disabled={stopping || stop.isPending}
          title="The current image finishes, then the job stops"
          onClick={() =>
            stop.mutate(
              { action: "stop", jobId: current.id },
              {
                onSuccess: () => toast(`Stopping “${jobLabel(current)}” after the current image`, "info"),
                onError: (error) => toast(errorMessage(error), "error"),
              },
            )
          }
        >
          {stopping ? "Stopping…" : "Stop Job"}
        </button>
      ) : null}
      <button
        type="button"
        className={current ? "btn" : "btn btn-primary"}
        data-testid="start-job"
        disabled={start.isPending}
        title={current ? "Queue a job with the default settings; it starts when the current one ends" : "Start a job with the default settings"}
        onClick={onStart}
      >
        {start.isPending ? "Starting…" : current ? "Queue another job" : "Start Job"}
      </button>
      {current ? (
        <button type="button" className="btn btn-danger-outline" data-testid="force-stop" disabled={force.isPending} onClick={() => setConfirming(true)}>
          Force Stop
        </button>
      ) : null}
      <a href="#/new" className="btn">
        New job…
      </a>
      {confirming && current ? (
        <ConfirmDialog
          title="Force stop this job?"
          confirmLabel="Force stop"
          danger
          busy={force.isPending}
          onCancel={() => setConfirming(false)}
          onConfirm={() =>
            force.mutate(
              { action: "force-stop", jobId: current.id },
              {
                onSuccess: () => {
                  setConfirming(false);
                  toast(`“${jobLabel(current)}” was force-stopped`, "info");
                },
                onError: (error) => {
                  setConfirming(false);
                  toast(errorMessage(error), "error");
                },
              },
            )
          }
        >
          “{jobLabel(current)}” ends now, without finishing the image in progress. Images already stored are kept; the
          job can be resumed later.
        </ConfirmDialog>
      ) : null}
    </div>
  );
}
