// A job row's actions: view, stop (while active), rerun, delete (once finished, after a confirm).

import { useState, type ReactNode } from "react";
import { useNavigate } from "react-router";

import type { Job } from "../../api/client";
import { errorMessage } from "../../api/errors";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { useToast } from "../../components/Toasts";
import { jobLabel } from "../../lib/jobLabel";
import { isActive } from "../../lib/status";
import { useDeleteJob, useJobAction } from "../../queries/useJobActions";

/** `extra` (an export button, say) goes after Rerun; a scheduled job's stop reads Cancel. */
export function JobRowActions({ job, stopLabel = "Stop", extra = null }: { job: Job; stopLabel?: string; extra?: ReactNode }) {
  const navigate = useNavigate();
  const toast = useToast();
  const action = useJobAction();
  const remove = useDeleteJob();
  const [confirming, setConfirming] = useState(false);
  const href = `#/jobs/${encodeURIComponent(job.id)}`;
  const stopping = job.control === "stop" || job.control === "force";
  const label = jobLabel(job);

  const run = (name: "stop" | "rerun") =>
    action.mutate(
      { action: name, jobId: job.id },
      {
        onSuccess: (result) => {
          if (name === "rerun") {
            toast(`Rerun started: ${result.label}`, "success");
            navigate(`/jobs/${encodeURIComponent(result.id)}`);
          } else toast(`Stop requested for “${job.label}”`, "info");
        },
        onError: (error) => toast(errorMessage(error), "error"),
      },
    );

  return (
    <>
      <a href={href} className="btn btn-sm" aria-label={`View ${job.label}`}>
        View
      </a>
      {isActive(job.status) ? (
        <button
          type="button"
          className="btn btn-sm"
          title="Finish the current image, then stop"
          disabled={stopping || action.isPending}
          onClick={() => run("stop")}
        >
          {stopping ? (job.status === "scheduled" ? "Cancelling…" : "Stopping…") : job.status === "scheduled" ? "Cancel" : stopLabel}
        </button>
      ) : null}
      <button
        type="button"
        className="btn btn-sm"
        title="Start a new job from this job's configuration"
        disabled={!job.config_id || action.isPending}
        onClick={() => run("rerun")}
        data-testid="row-rerun"
      >
        Rerun
      </button>
      {extra}
      {isActive(job.status) ? null : (
        <button
          type="button"
          className="btn btn-sm btn-danger-outline"
          onClick={() => setConfirming(true)}
          data-testid="row-delete"
          aria-label={`Delete ${label}`}
        >
          Delete
        </button>
      )}
      {confirming ? (
        <ConfirmDialog
          title="Delete this job?"
          confirmLabel="Delete job"
          danger
          busy={remove.isPending}
          onCancel={() => setConfirming(false)}
          onConfirm={() =>
            remove.mutate(job.id, {
              onSuccess: () => {
                setConfirming(false);
                toast(`Deleted “${label}”`, "success");
              },
              onError: (error) => {
                setConfirming(false);
                toast(errorMessage(error), "error");
              },
            })
          }
        >
          “{label}”, its images, log and files are removed for good.
        </ConfirmDialog>
      ) : null}
    </>
  );
}
