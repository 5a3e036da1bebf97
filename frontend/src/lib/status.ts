// One set of status labels for every view: jobs, images and exports. A status the API adds later
// still reads well ("some_state" → "Some state") until it gets its own label here.

import type { Image, Job } from "../api/client";

export type JobStatus = Job["status"];
export type ImageStatus = Image["status"];

export const JOB_STATUSES: readonly JobStatus[] = [
  "scheduled",
  "queued",
  "running",
  "waiting_for_approval",
  "paused",
  "completed",
  "failed",
  "cancelled",
];

const LABELS: Record<string, string> = {
  scheduled: "Scheduled",
  queued: "Queued",
  running: "Running",
  waiting_for_approval: "Waiting for approval",
  paused: "Paused",
  completed: "Completed",
  failed: "Failed",
  cancelled: "Cancelled",
  approved: "Approved",
  qc_failed: "QC failed",
  processing: "Processing",
  retry_pending: "Retry pending",
  retry_failed: "Retry failed",
  building: "Building",
  ready: "Ready",
};

export function statusLabel(status: string | null | undefined): string {
  if (!status) return "";
  const known = LABELS[status];
  if (known) return known;
  const text = status.replace(/_/g, " ").trim();
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const FINAL: ReadonlySet<string> = new Set(["completed", "failed", "cancelled"]);

export function isFinal(status: string): boolean {
  return FINAL.has(status);
}

export function isActive(status: string): boolean {
  return !FINAL.has(status);
}
