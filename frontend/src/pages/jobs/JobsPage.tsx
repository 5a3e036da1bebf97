// #/jobs: every job, filtered, sorted and paged by the API, the list's state in the URL.

import { useCallback } from "react";

import { DataTable } from "../../components/DataTable";
import { EmptyState } from "../../components/EmptyState";
import { useTableURLState } from "../../hooks/useTableURLState";
import { useTitle } from "../../hooks/useTitle";
import { userTimeZone } from "../../lib/format";
import { statusLabel } from "../../lib/status";
import { useLiveJob } from "../../live/liveCache";
import { useJobs } from "../../queries/useJobs";
import type { JobListParams } from "../../queries/keys";
import { JobFilters, type JobFilterValues } from "./JobFilters";
import { jobColumns, jobRowProps } from "./jobColumns";

export const PAGE_SIZE = 25;
const DEFAULTS: JobFilterValues = { status: "", from: "", to: "", q: "", sort: "newest" };

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

export function JobsPage() {
  useTitle("Jobs");
  useLiveJob("*");
  const url = useTableURLState(DEFAULTS);
  const params = listParams(url.filters);
  const jobs = useJobs({ ...params, limit: PAGE_SIZE, cursor: url.cursor });
  const { setFilters } = url;
  const onFilters = useCallback((changes: Partial<JobFilterValues>) => setFilters(changes), [setFilters]);
  const filtered = Boolean(url.filters.status || url.filters.from || url.filters.to || url.filters.q);
  const nextCursor = jobs.data?.next_cursor ?? null;

  return (
    <>
      <div className="page-head">
        <div>
          <h1>Jobs</h1>
          <p className="subtitle">Every job run, newest first by default.</p>
        </div>
      </div>
      <JobFilters values={url.filters} onChange={onFilters} />
      <div className="card card-flush">
        <DataTable
          columns={jobColumns}
          data={jobs.data?.items}
          getRowId={(job) => job.id}
          isLoading={jobs.isLoading}
          error={jobs.error}
          rowProps={jobRowProps}
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
    </>
  );
}
