// #/ (seed 001): the job controls, the statistics, the current job with its live log, the queue
// in one line, the last 20 runs and the latest approved images.

import "./dashboard.css";

import { useEffect, useState } from "react";

import type { Job } from "../../api/client";
import { EmptyState } from "../../components/EmptyState";
import { useTitle } from "../../hooks/useTitle";
import { useLiveJob } from "../../live/liveCache";
import { useJobs } from "../../queries/useJobs";
import { CurrentJob } from "./CurrentJob";
import { DashboardActions } from "./DashboardActions";
import { JobHistory } from "./JobHistory";
import { LatestImages } from "./LatestImages";
import { QueueIndicator } from "./QueueIndicator";
import { StatsPanel } from "./StatsPanel";

const HISTORY = 20;
const WAITING = 50;
const GALLERY_HREF = "#/gallery";

/** The job the dashboard follows: the one holding the slot, else the queue's head (starting). */
export function currentJob(holding: Job[], queued: Job[]): Job | null {
  const order = ["running", "waiting_for_approval", "paused"];
  const sorted = [...holding].sort((a, b) => order.indexOf(a.status) - order.indexOf(b.status));
  return sorted[0] ?? queued.find((job) => job.queue_position === 1) ?? null;
}

export function DashboardPage() {
  useTitle("Dashboard");
  useLiveJob("*");
  const running = useJobs({ status: "running", limit: 5 }, { always: true });
  const approval = useJobs({ status: "waiting_for_approval", limit: 5 }, { always: true });
  const paused = useJobs({ status: "paused", limit: 5 }, { always: true });
  const queued = useJobs({ status: "queued", sort: "oldest", limit: WAITING }, { always: true });
  const scheduled = useJobs({ status: "scheduled", sort: "oldest", limit: WAITING }, { always: true });
  // Newest first, without the jobs still waiting (the queue shows them): the last runs.
  const recent = useJobs({ limit: HISTORY + WAITING, sort: "newest" });
  const holding = [...(running.data?.items ?? []), ...(approval.data?.items ?? []), ...(paused.data?.items ?? [])];
  const waiting = queued.data?.items ?? [];
  const current = currentJob(holding, waiting);
  const history = recent.data?.items.filter((job) => job.status !== "queued" && job.status !== "scheduled").slice(0, HISTORY);
  const loaded = running.data && queued.data;
  const [lastId, setLastId] = useState<string | null>(null);
  useEffect(() => {
    if (current) setLastId(current.id);
  }, [current?.id]); // eslint-disable-line react-hooks/exhaustive-deps
  const shownId = current?.id ?? lastId;
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Dashboard</h1>
          <p className="subtitle">Start jobs, watch them run and review recent results.</p>
        </div>
        <DashboardActions current={loaded ? current : null} />
      </div>
      <StatsPanel />
      {!loaded ? (
        <p className="loading">Loading…</p>
      ) : shownId ? (
        <CurrentJob jobId={shownId} summary={current} />
      ) : (
        <section className="card" aria-labelledby="current-title">
          <h2 id="current-title" className="card-title">
            Current job
          </h2>
          <EmptyState title="No job is running">Start Job runs one with your default settings; jobs run one at a time, in order.</EmptyState>
        </section>
      )}
      <QueueIndicator
        queued={waiting.filter((job) => job.id !== current?.id)}
        scheduled={scheduled.data?.items ?? []}
        more={Boolean(queued.data?.next_cursor || scheduled.data?.next_cursor)}
      />
      <JobHistory jobs={history} isLoading={recent.isLoading} error={recent.error} />
      <LatestImages galleryHref={GALLERY_HREF} />
    </>
  );
}
