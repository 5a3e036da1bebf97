// #/jobs: every job, filtered, sorted and paged by the API, the list's state in the URL; a
// selection kept across pages for bulk rerun, export and delete, or every job matching the filter.

import { useCallback, useMemo, useState } from "react";

import type { Export, Job } from "../../api/client";
import { errorMessage } from "../../api/errors";
import { DataTable, selectColumn } from "../../components/DataTable";
import { DestinationDialog } from "../../components/DestinationDialog";
import { EmptyState } from "../../components/EmptyState";
import { ExportStatus } from "../../components/ExportStatus";
import { useToast } from "../../components/Toasts";
import { useTableURLState } from "../../hooks/useTableURLState";
import { useTitle } from "../../hooks/useTitle";
import { userTimeZone } from "../../lib/format";
import { jobLabel } from "../../lib/jobLabel";
import { statusLabel } from "../../lib/status";
import { useLiveJob } from "../../live/liveCache";
import type { JobListParams } from "../../queries/keys";
import { useBulkDelete, useBulkExport, useBulkRerun } from "../../queries/useBulkJobs";
import { useJobs } from "../../queries/useJobs";
import { BulkBar } from "./BulkBar";
import { BulkConfirm, plural } from "./BulkConfirm";
import { JobFilters, type JobFilterValues } from "./JobFilters";
import { jobColumns, jobRowProps } from "./jobColumns";
import { RerunQueue } from "./RerunQueue";
import { useJobSelection, type JobFilter } from "./useJobSelection";

export const PAGE_SIZE = 25;
const DEFAULTS = { status: "", from: "", to: "", q: "", sort: "newest", limit: String(PAGE_SIZE) };

/** The page size from the URL (`limit`, 1-100; 25 by default). */
function pageSize(raw: string): number {
  const n = Number(raw);
  return Number.isInteger(n) && n >= 1 && n <= 100 ? n : PAGE_SIZE;
}

/** The API's query for the list's filters. */
export function listParams(filters: JobFilterValues): JobListParams {
  const dated = Boolean(filters.from || filters.to);
  return {
    status: (filters.status || undefined) as JobListParams["status"],
    from: filters.from || undefined,
    to: filters.to || undefined,
    q: filters.q || undefined,
    sort: (filters.sort as JobListParams["sort"]) || "newest",
    ...(dated ? { tz: userTimeZone() } : {}),
  };
}

type Dialog = "rerun" | "delete" | "export" | null;

export function JobsPage() {
  useTitle("Jobs");
  useLiveJob("*");
  const toast = useToast();
  const url = useTableURLState(DEFAULTS);
  const params = listParams(url.filters);
  const jobs = useJobs({ ...params, limit: pageSize(url.filters.limit), cursor: url.cursor });
  const pageJobs = useMemo(() => jobs.data?.items ?? [], [jobs.data]);
  const picked = useJobSelection(pageJobs);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [queued, setQueued] = useState<Job[] | null>(null);
  const [exporting, setExporting] = useState<Export | null>(null);
  const rerun = useBulkRerun();
  const remove = useBulkDelete();
  const exportJobs = useBulkExport();

  const { setFilters } = url;
  const { selection, clear } = picked;
  const onFilters = useCallback(
    (changes: Partial<JobFilterValues & { limit: string }>) => {
      if (selection.mode === "matching") clear(); // "every matching job" was for the old filter
      setFilters(changes);
    },
    [setFilters, selection.mode, clear],
  );
  const filtered = Boolean(url.filters.status || url.filters.from || url.filters.to || url.filters.q);
  const nextCursor = jobs.data?.next_cursor ?? null;
  const columns = useMemo(() => [selectColumn<Job>((job) => jobLabel(job)), ...jobColumns], []);
  const pageFullySelected = pageJobs.length > 0 && pageJobs.every((job) => picked.rowSelection[job.id]);
  const matchingFilter: JobFilter = Object.fromEntries(
    Object.entries({ status: params.status, from: params.from, to: params.to, tz: params.tz, q: params.q, sort: params.sort }).filter(([, v]) => v),
  );

  const close = () => setDialog(null);
  const runRerun = () =>
    rerun.mutate(selection, {
      onSuccess: (made) => {
        close();
        clear();
        setQueued(made);
        toast(`${plural(made.length, "rerun")} queued`, "success");
      },
      onError: (error) => {
        close();
        toast(errorMessage(error), "error");
      },
    });
  const runDelete = () =>
    remove.mutate(selection, {
      onSuccess: (result) => {
        close();
        if (selection.mode === "matching") clear();
        else picked.drop(result.deleted);
        toast(
          result.refused.length
            ? `Deleted ${plural(result.deleted.length, "job")}; ${result.refused.length} could not be deleted`
            : `Deleted ${plural(result.deleted.length, "job")}`,
          result.refused.length ? "error" : "success",
        );
      },
      onError: (error) => {
        close();
        toast(errorMessage(error), "error");
      },
    });

  return (
    <>
      <div className="page-head">
        <div>
          <h1>Jobs</h1>
          <p className="subtitle">Every job run, newest first by default.</p>
        </div>
      </div>
      <JobFilters values={url.filters} onChange={onFilters} />
      {queued ? <RerunQueue jobs={queued} onDismiss={() => setQueued(null)} /> : null}
      {exporting ? <ExportStatus started={exporting} onDismiss={() => setExporting(null)} /> : null}
      <BulkBar
        selection={selection}
        count={picked.count}
        pageFullySelected={pageFullySelected}
        moreThanPage={Boolean(nextCursor) || url.page > 1}
        onSelectMatching={() => picked.selectMatching(matchingFilter)}
        onClear={clear}
        onRerun={() => setDialog("rerun")}
        onExport={() => setDialog("export")}
        onDelete={() => setDialog("delete")}
      />
      <div className="card card-flush">
        <DataTable
          columns={columns}
          data={jobs.data?.items}
          getRowId={(job) => job.id}
          isLoading={jobs.isLoading}
          error={jobs.error}
          rowProps={jobRowProps}
          rowSelection={picked.rowSelection}
          onRowSelectionChange={picked.onRowSelectionChange}
          testId="jobs-table"
          empty={
            filtered ? (
              <EmptyState title={url.filters.status ? `No ${statusLabel(url.filters.status).toLowerCase()} jobs` : "No jobs match"}>
                Try other filters.
              </EmptyState>
            ) : (
              <EmptyState title="No jobs yet">Start one with “New job”.</EmptyState>
            )
          }
          pager={{
            page: url.page,
            hasPrevious: url.page > 1,
            hasNext: Boolean(nextCursor),
            onPrevious: url.previousPage,
            onNext: () => nextCursor && url.nextPage(nextCursor),
          }}
        />
      </div>
      {dialog === "rerun" || dialog === "delete" ? (
        <BulkConfirm
          action={dialog}
          selection={selection}
          busy={rerun.isPending || remove.isPending}
          onCancel={close}
          onConfirm={dialog === "rerun" ? runRerun : runDelete}
        />
      ) : null}
      {dialog === "export" ? (
        <DestinationDialog
          title="Export selected jobs"
          fileType="zip"
          intro={
            selection.mode === "matching"
              ? "One ZIP: a spreadsheet per job matching this filter, and summary.txt."
              : `One ZIP: a spreadsheet for each of the ${plural(picked.count ?? 0, "job")}, and summary.txt.`
          }
          busy={exportJobs.isPending}
          error={exportJobs.error}
          onCancel={() => {
            exportJobs.reset();
            close();
          }}
          onSubmit={(destination) =>
            exportJobs.mutate(
              { selection, destination },
              {
                onSuccess: (started) => {
                  close();
                  setExporting(started);
                },
              },
            )
          }
        />
      ) : null}
    </>
  );
}
