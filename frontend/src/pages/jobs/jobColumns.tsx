// The columns of a jobs table (the jobs page and the dashboard's recent jobs).

import type { ColumnDef } from "@tanstack/react-table";

import type { Job } from "../../api/client";
import { ProgressBar } from "../../components/ProgressBar";
import { StatusBadge } from "../../components/StatusBadge";
import { formatDateTime, formatDuration, formatShortDateTime, shortId, stepText } from "../../lib/format";
import { jobLabel } from "../../lib/jobLabel";
import { JobRowActions } from "./JobRowActions";

export function ImagesCell({ job }: { job: Job }) {
  return (
    <>
      <span data-testid="images-ok" title="Approved images of the planned">
        {job.images_ok ?? 0} / {job.images_planned}
      </span>
      {job.images_failed ? (
        <span className="muted-error" data-testid="images-failed">
          {" "}
          ({job.images_failed} failed)
        </span>
      ) : null}
    </>
  );
}

export const jobColumns: ColumnDef<Job, unknown>[] = [
  {
    id: "label",
    header: "Label",
    meta: { className: "cell-label" },
    cell: ({ row }) => (
      <>
        <a href={`#/jobs/${encodeURIComponent(row.original.id)}`} className="job-link" data-testid="job-label-cell">
          {jobLabel(row.original)}
        </a>
        <span className="job-id mono" title={row.original.id}>
          {shortId(row.original.id)}
        </span>
      </>
    ),
  },
  { id: "status", header: "Status", cell: ({ row }) => <StatusBadge status={row.original.status} /> },
  {
    id: "progress",
    header: "Progress",
    meta: { className: "cell-progress" },
    cell: ({ row }) => <ProgressBar value={row.original.progress} status={row.original.status} />,
  },
  { id: "step", header: "Step", meta: { className: "cell-step" }, cell: ({ row }) => stepText(row.original) },
  { id: "images", header: "Images", meta: { className: "num" }, cell: ({ row }) => <ImagesCell job={row.original} /> },
  {
    id: "started",
    header: "Started",
    meta: { className: "nowrap" },
    cell: ({ row }) => (
      <span title={formatDateTime(row.original.started_at)}>{formatShortDateTime(row.original.started_at)}</span>
    ),
  },
  {
    id: "duration",
    header: "Duration",
    meta: { className: "nowrap num" },
    cell: ({ row }) => formatDuration(row.original.duration_s),
  },
  {
    id: "actions",
    header: "Actions",
    meta: { className: "cell-actions" },
    cell: ({ row }) => <JobRowActions job={row.original} />,
  },
];

export function jobRowProps(row: { original: Job }) {
  return {
    "data-testid": "job-row",
    "data-job-id": row.original.id,
    "data-status": row.original.status,
  };
}
