// Which of a job's actions are open now: seed 004's table (approve/reject while waiting for
// approval, pause while running, resume while paused, cancel while running, paused or waiting),
// with this product's additions: a scheduled or queued job can be cancelled too (it has not
// started), and a failed or cancelled job that got past its first phase resumes from its
// checkpoint. A pending control request (stop, force, pause) closes what it would contradict.

import type { JobDetail } from "../api/client";
import { isActive } from "./status";

export type ActionState = {
  stop: boolean;
  forceStop: boolean;
  pause: boolean;
  resume: boolean;
  rerun: boolean;
  approve: boolean;
  reject: boolean;
  delete: boolean;
  stopping: boolean;
  pausing: boolean;
};

export function availableActions(job: Pick<JobDetail, "status" | "control" | "config_id" | "phases">): ActionState {
  const active = isActive(job.status);
  const stopping = job.control === "stop" || job.control === "force";
  const pausing = job.control === "pause" && job.status === "running";
  const waiting = job.status === "waiting_for_approval";
  const resumableFailure = (job.status === "failed" || job.status === "cancelled") && job.phases.length > 0;
  return {
    stop: active && !stopping,
    forceStop: active && job.control !== "force",
    pause: job.status === "running" && !job.control,
    resume: job.status === "paused" || pausing || resumableFailure,
    rerun: Boolean(job.config_id),
    approve: waiting && !job.control,
    reject: waiting && !job.control,
    delete: !active,
    stopping: stopping && active,
    pausing,
  };
}
