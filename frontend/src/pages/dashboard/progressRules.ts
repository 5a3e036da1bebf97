// What the current job's progress bar shows (seed 001): one image reads 0 % until it is done; N
// images move the bar per image; with a quality check in the plan the bar holds at 95 % until the
// job ends. The API derives the number; this keeps a late or early message (a `progress` that
// arrives after `status`, a cached job) from showing what the rules never allow.

export type ProgressJob = {
  status: string;
  progress?: number | null;
  images_planned?: number | null;
  images_ok?: number | null;
  images_failed?: number | null;
  phases?: readonly { name: string }[] | null;
};

export type ProgressView = {
  percent: number;
  /** "3 / 10 images" */
  count: string;
  /** Why the bar stops short, when it does. */
  note: string | null;
};

const ENDED = new Set(["completed", "failed", "cancelled"]);

export function progressView(job: ProgressJob): ProgressView {
  const planned = Math.max(0, Number(job.images_planned) || 0);
  const done = Math.max(0, Number(job.images_ok) || 0) + Math.max(0, Number(job.images_failed) || 0);
  const raw = Math.max(0, Math.min(100, Math.round(Number(job.progress) || 0)));
  const hasQc = (job.phases ?? []).some((phase) => phase.name === "quality_check");
  let percent = raw;
  let note: string | null = null;
  if (job.status === "completed") percent = 100;
  else if (ENDED.has(job.status)) percent = Math.min(raw, 99);
  else if (planned <= 1) {
    percent = 0;
    note = "A single image shows 100 % when it is done.";
  } else if (hasQc && raw >= 95) {
    percent = 95;
    note = "Holding at 95 % until the quality check ends.";
  } else percent = Math.min(raw, hasQc ? 95 : 99);
  const count = `${Math.min(done, planned || done)} / ${planned} image${planned === 1 ? "" : "s"}`;
  return { percent, count, note };
}
