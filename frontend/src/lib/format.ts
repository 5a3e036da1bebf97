// Formatting shared by the views: times in the user's time zone, durations, ids, phase names.

import type { Job } from "../api/client";
import { statusLabel } from "./status";

const pad = (n: number): string => String(n).padStart(2, "0");

function parse(iso: string | null | undefined): Date | null {
  if (!iso) return null;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** Local wall-clock time, "HH:MM:SS". */
export function formatClock(iso: string | null | undefined): string {
  const date = parse(iso);
  if (!date) return "--:--:--";
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

function day(date: Date): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** Local date and time, "2026-11-23 17:01:31"; "—" when absent. */
export function formatDateTime(iso: string | null | undefined): string {
  const date = parse(iso);
  return date ? `${day(date)} ${formatClock(iso)}` : "—";
}

/** Compact local time for tables: "17:01:31" today, "2026-11-23 17:01" before. */
export function formatShortDateTime(iso: string | null | undefined, now: Date = new Date()): string {
  const date = parse(iso);
  if (!date) return "—";
  if (date.toDateString() === now.toDateString()) return formatClock(iso);
  return `${day(date)} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** Seconds → "0.9 s", "42 s", "3 min 05 s", "1 h 02 min". */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || Number.isNaN(seconds)) return "—";
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  const total = Math.round(seconds);
  if (total < 60) return `${total} s`;
  const minutes = Math.floor(total / 60);
  if (minutes < 60) return `${minutes} min ${pad(total % 60)} s`;
  return `${Math.floor(minutes / 60)} h ${pad(minutes % 60)} min`;
}

export function formatPercent(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined) return "—";
  return `${Math.round(ratio * 1000) / 10}%`;
}

export function shortId(id: string | null | undefined): string {
  return String(id ?? "").slice(0, 8);
}

const PHASE_TITLES: Record<string, string> = {
  prompts: "Prompt generation",
  generate: "Image generation",
  remove_bg: "Background removal",
  process: "Conversion and enhancement",
  quality_check: "Quality check",
  approval: "Approval",
  metadata: "Metadata",
  finalize: "Finalize",
};

export function phaseTitle(name: string): string {
  return PHASE_TITLES[name] ?? statusLabel(name);
}

/** What the step column says: the queue position for a queued job, else the API's step. */
export function stepText(job: Pick<Job, "status" | "queue_position" | "step">): string {
  if (job.status === "queued" && job.queue_position) return `Queued (position ${job.queue_position})`;
  return job.step ?? "";
}

/** The user's time zone (IANA name): the API reads `from`/`to` dates in it. */
export function userTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}
