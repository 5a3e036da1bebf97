// Formatting shared by the views: statuses, times, durations, phase names.

export const STATUSES = [
  "scheduled",
  "queued",
  "running",
  "waiting_for_approval",
  "paused",
  "completed",
  "failed",
  "cancelled",
];
export const FINAL_STATUSES = new Set(["completed", "failed", "cancelled"]);

export function isActive(status) {
  return !FINAL_STATUSES.has(status);
}

/** "waiting_for_approval" → "Waiting for approval" (the API's status_label wins when present). */
export function humanize(value) {
  const text = String(value || "").replace(/_/g, " ").trim();
  return text ? text.charAt(0).toUpperCase() + text.slice(1) : "";
}

const PHASE_TITLES = {
  prompts: "Prompt generation",
  generate: "Image generation",
  remove_bg: "Background removal",
  process: "Conversion and enhancement",
  quality_check: "Quality check",
  metadata: "Metadata",
  finalize: "Finalize",
};

export function phaseTitle(name) {
  return PHASE_TITLES[name] || humanize(name);
}

const pad = (n) => String(n).padStart(2, "0");

/** Local wall-clock time of an ISO timestamp, "HH:MM:SS". */
export function formatClock(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "--:--:--";
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** Local date and time, "2026-11-23 17:01:31"; "—" when absent. */
export function formatDateTime(iso) {
  if (!iso) return "—";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "—";
  const day = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  return `${day} ${formatClock(iso)}`;
}

/** Compact local time for tables: "17:01:31" today, "2026-11-23 17:01" before. */
export function formatShortDateTime(iso) {
  if (!iso) return "—";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "—";
  if (date.toDateString() === new Date().toDateString()) return formatClock(iso);
  const day = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  return `${day} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** Seconds → "0.9 s", "42 s", "3 min 05 s", "1 h 02 min". */
export function formatDuration(seconds) {
  if (seconds === null || seconds === undefined || Number.isNaN(seconds)) return "—";
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  const total = Math.round(seconds);
  if (total < 60) return `${total} s`;
  const minutes = Math.floor(total / 60);
  if (minutes < 60) return `${minutes} min ${pad(total % 60)} s`;
  return `${Math.floor(minutes / 60)} h ${pad(minutes % 60)} min`;
}

export function formatPercent(ratio) {
  if (ratio === null || ratio === undefined) return "—";
  const value = Math.round(ratio * 1000) / 10;
  return `${value}%`;
}

export function shortId(id) {
  return String(id || "").slice(0, 8);
}

/** What the step column says: the queue position for a queued job, else the API's step. */
export function stepText(job) {
  if (job.status === "queued" && job.queue_position) return `Queued (position ${job.queue_position})`;
  return job.step || "";
}
