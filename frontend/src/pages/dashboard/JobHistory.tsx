// The last 20 runs (seed 001's Job History): label (reruns as "Parent (Rerun xxxxxx)"), status,
// start, duration, images, and view / rerun / export / delete. #/jobs has the rest.

import type { ColumnDef } from "@tanstack/react-table";

import type { Job } from "../../api/client";
import { DataTable } from "../../components/DataTable";
import { EmptyState } from "../../components/EmptyState";
import { jobColumns, jobRowProps } from "../jobs/jobColumns";
import { JobRowActions } from "../jobs/JobRowActions";
import { ExportButton } from "./ExportButton";

const SHOWN = new Set(["label", "status", "started", "duration", "images"]);

const historyColumns: ColumnDef<Job, unknown>[] = [
  ...jobColumns.filter((column) => SHOWN.has(column.id ?? "")),
  {
    id: "actions",
    header: "Actions",
    meta: { className: "cell-actions" },
    cell: ({ row }) => (
      <JobRowActions job={row.original} extra={<ExportButton job={row.original} />} />
    ),
  },
];

type Props = { jobs: Job[] | undefined; isLoading: boolean; error: unknown };

export function JobHistory({ jobs, isLoading, error }: Props) {
  return (
    <section className="card card-flush" aria-labelledby="history-title">
      <div className="card-head">
        <h2 id="history-title" className="card-title">
          Job history
        </h2>
        <a href="#/jobs" className="link">
          Job Management →
        </a>
      </div>
      <DataTable
        columns={historyColumns}
        data={jobs}
        getRowId={(job) => job.id}
        isLoading={isLoading}
        error={error}
        rowProps={jobRowProps}
        testId="history-table"
        empty={<EmptyState title="No jobs yet">Your last 20 runs will show here.</EmptyState>}
      />
    </section>
  );
}
