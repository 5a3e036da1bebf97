// The job's action buttons, open exactly when lib/jobActions says, with confirmations for force
// stop, reject and delete.

import { useState } from "react";
import { useNavigate } from "react-router";

import type { JobDetail } from "../../api/client";
import { errorMessage } from "../../api/errors";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { useToast } from "../../components/Toasts";
import { availableActions } from "../../lib/jobActions";
import { formatDateTime } from "../../lib/format";
import { jobLabel } from "../../lib/jobLabel";
import { useDeleteJob, useJobAction, type JobAction } from "../../queries/useJobActions";

type Asking = "force-stop" | "delete" | null;

const DONE: Partial<Record<JobAction, string>> = {
  stop: "Stop requested: the current image finishes first",
  "force-stop": "Job force stopped",
  pause: "Pause requested: the job holds at the next checkpoint",
  resume: "Resume requested",
  approve: "Approved: the job goes on",
  reject: "Rejected: the job fails at its approval step",
};

export function useRunJobAction(job: JobDetail) {
  const toast = useToast();
  const navigate = useNavigate();
  const mutation = useJobAction();
  const run = (action: JobAction, reason?: string) =>
    mutation.mutate(
      { action, jobId: job.id, ...(reason ? { reason } : {}) },
      {
        onSuccess: (result) => {
          if (action === "rerun") {
            toast(
              result.status === "queued" ? `Rerun queued: ${result.label}` : `Rerun started: ${result.label}`,
              "success",
            );
            navigate(`/jobs/${encodeURIComponent(result.id)}`);
          } else toast(DONE[action] ?? "Done", "info");
        },
        onError: (error) => toast(errorMessage(error), "error"),
      },
    );
  return { run, busy: mutation.isPending };
}

export function JobActions({ job, onRerunWithChanges }: { job: JobDetail; onRerunWithChanges?: () => void }) {
  const { run, busy } = useRunJobAction(job);
  const open = availableActions(job);
  const [asking, setAsking] = useState<Asking>(null);
  const toast = useToast();
  const navigate = useNavigate();
  const remove = useDeleteJob();
  // A scheduled or queued job has not started: stopping it is cancelling it (seed 004's wording).
  const notStarted = job.status === "scheduled" || job.status === "queued";
  const button = (label: string, testid: string, enabled: boolean, onClick: () => void, className = "", title?: string) => (
    <button type="button" className={`btn ${className}`.trim()} data-testid={testid} disabled={busy || !enabled} onClick={onClick} title={title}>
      {label}
    </button>
  );
  return (
    <div className="job-actions" role="group" aria-label="Job actions">
      {notStarted
        ? button("Cancel", "action-stop", open.stop, () => run("stop"), "", "Take this job out of the queue: it has not started")
        : button(open.stopping ? "Stopping…" : "Stop", "action-stop", open.stop, () => run("stop"), "", "Finish the current image, then stop at the next checkpoint")}
      {button("Force stop", "action-force-stop", open.forceStop, () => setAsking("force-stop"), "btn-danger-outline", "Stop at once")}
      {button(open.pausing ? "Pausing…" : "Pause", "action-pause", open.pause, () => run("pause"), "", "Hold at the next checkpoint until resumed")}
      {button("Resume", "action-resume", open.resume && !open.pausing, () => run("resume"), "", "Continue this job from its checkpoint")}
      {button("Rerun", "action-rerun", open.rerun, () => run("rerun"), "btn-primary", "Start a new job from this job's current settings (queued while another job runs)")}
      {onRerunWithChanges
        ? button("Edit & rerun", "action-edit-rerun", open.rerun, onRerunWithChanges, "", "Change the settings first, then rerun")
        : null}
      {button("Delete", "action-delete", open.delete, () => setAsking("delete"), "btn-danger-outline", "Remove this job, its images, log and files")}
      {asking === "force-stop" ? (
        <ConfirmDialog
          title="Force stop this job?"
          confirmLabel="Force stop"
          danger
          onCancel={() => setAsking(null)}
          onConfirm={() => {
            setAsking(null);
            run("force-stop");
          }}
        >
          Force stop ends the job at once: its execution is stopped without waiting for the current image, work in progress
          is discarded and the job ends as Cancelled. Use Stop to finish the current image first.
        </ConfirmDialog>
      ) : null}
      {asking === "delete" ? (
        <ConfirmDialog
          title="Delete this job?"
          confirmLabel="Delete job"
          danger
          busy={remove.isPending}
          onCancel={() => setAsking(null)}
          onConfirm={() =>
            remove.mutate(job.id, {
              onSuccess: () => {
                toast(`Deleted “${jobLabel(job)}”`, "success");
                navigate("/jobs");
              },
              onError: (error) => {
                setAsking(null);
                toast(errorMessage(error), "error");
              },
            })
          }
        >
          “{jobLabel(job)}”, its images, log and files are removed for good.
        </ConfirmDialog>
      ) : null}
    </div>
  );
}

export function ApprovalNotice({ job }: { job: JobDetail }) {
  const { run, busy } = useRunJobAction(job);
  const open = availableActions(job);
  const [rejecting, setRejecting] = useState(false);
  if (job.status !== "waiting_for_approval") return null;
  return (
    <div className="notice notice-warn approval-notice" role="status" data-testid="approval-notice">
      <span>This job waits for your approval. Review its images below, then approve to go on or reject to fail it. </span>
      {job.approval?.timeout_h ? (
        <span data-testid="approval-timeout">
          Without a decision it is {job.approval.default_action === "approve" ? "approved" : "rejected"} automatically
          {job.approval.deadline ? ` at ${formatDateTime(job.approval.deadline)}` : ` after ${job.approval.timeout_h} h`}.{" "}
        </span>
      ) : null}
      <span className="approval-actions">
        <button type="button" className="btn btn-primary" data-testid="action-approve" disabled={busy || !open.approve} onClick={() => run("approve")}>
          Approve
        </button>
        <button type="button" className="btn btn-danger-outline" data-testid="action-reject" disabled={busy || !open.reject} onClick={() => setRejecting(true)}>
          Reject
        </button>
      </span>
      {rejecting ? (
        <ConfirmDialog
          title="Reject this job?"
          confirmLabel="Reject"
          danger
          reasonLabel="Reason (optional, shown as the job's error)"
          onCancel={() => setRejecting(false)}
          onConfirm={(reason) => {
            setRejecting(false);
            run("reject", reason);
          }}
        >
          The job fails at its approval step; its images stay as they are. Resume brings it back to this step.
        </ConfirmDialog>
      ) : null}
    </div>
  );
}
