// #/: what is running now, and the recent job history (an overview; #/jobs has the rest).

import { DataTable } from "../../components/DataTable";
import { EmptyState } from "../../components/EmptyState";
import { useTitle } from "../../hooks/useTitle";
import { isActive } from "../../lib/status";
import { useLiveJob } from "../../live/liveCache";
import { useJobs } from "../../queries/useJobs";
import { jobColumns, jobRowProps } from "../jobs/jobColumns";
import { ActiveJobCard } from "./ActiveJobCard";

const RECENT = 20;
const ACTIVE_ORDER = ["running", "waiting_for_approval", "paused", "queued", "scheduled"];

export function DashboardPage() {
  useTitle("Dashboard");
  useLiveJob("*");
  const jobs = useJobs({ limit: RECENT, sort: "newest" });
  const items = jobs.data?.items;
  const active = (items ?? [])
    .filter((job) => isActive(job.status))
    .sort((a, b) => ACTIVE_ORDER.indexOf(a.status) - ACTIVE_ORDER.indexOf(b.status));
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Dashboard</h1>
          <p className="subtitle">Start jobs, watch them run and review recent results.</p>
        </div>
        {active.length ? <span className="live-indicator">Auto-refreshing</span> : null}
      </div>
      <section className="card" aria-labelledby="current-title">
        <h2 id="current-title" className="card-title">
          Current jobs
        </h2>
        <div className="active-list">
          {!items ? (
            <p className="loading">Loading…</p>
          ) : active.length ? (
            active.map((job) => <ActiveJobCard key={job.id} job={job} />)
          ) : (
            <EmptyState title="No job is running">Start one with “New job”; jobs run one at a time, in order.</EmptyState>
          )}
        </div>
      </section>
      <section className="card card-flush" aria-labelledby="recent-title">
        <div className="card-head">
          <h2 id="recent-title" className="card-title">
            Recent jobs
          </h2>
          <a href="#/jobs" className="link">
            All jobs →
          </a>
        </div>
        <DataTable
          columns={jobColumns}
          data={items}
          getRowId={(job) => job.id}
          isLoading={jobs.isLoading}
          error={jobs.error}
          rowProps={jobRowProps}
          testId="jobs-table"
          empty={<EmptyState title="No jobs yet">Your job history will show here.</EmptyState>}
        />
      </section>
    </>
  );
}
