// #/ (seed 001): the job controls, the statistics, the current job with its live log, the queue
// compactly, the last 20 runs and the latest approved images.

import "./dashboard.css";

import { useEffect, useState } from "react";

import type { Job } from "../../api/client";
import { EmptyState } from "../../components/EmptyState";
import { useTitle } from "../../hooks/useTitle";
import { useLiveJob } from "../../live/liveCache";
import { useJob } from "../../queries/useJob";
import { useJobs } from "../../queries/useJobs";
import { useQueue, type Queue } from "../../queries/useQueue";
import { QueuePanel } from "../queue/QueuePanel";
import { CurrentJob } from "./CurrentJob";
import { DashboardActions, type CurrentSummary } from "./DashboardActions";
import { JobHistory } from "./JobHistory";
import { LatestImages } from "./LatestImages";
import { StatsPanel } from "./StatsPanel";

const HISTORY = 20;
const WAITING = 50;
const GALLERY_HREF = "#/gallery";

/** The job the dashboard follows: the one holding the slot, else the queue's head (starting).
 * Both come from one read of the queue, so the job holding the slot and the jobs waiting are
 * seen at the same moment: a job is never dropped from both. */
export function currentJob(queue: Pick<Queue, "running" | "items"> | undefined): CurrentSummary | null {
  const holder = queue?.running;
  if (holder) return { id: holder.id, label: holder.label, status: holder.status as Job["status"] };
  const head = queue?.items[0];
  return head ? { id: head.id, label: head.label, status: "queued" } : null;
}

export function DashboardPage() {
  useTitle("Dashboard");
  useLiveJob("*");
  const queue = useQueue();
  // Newest first, without the jobs still waiting (the queue shows them): the last runs.
  const recent = useJobs({ limit: HISTORY + WAITING, sort: "newest" });
  const history = recent.data?.items.filter((job) => job.status !== "queued" && job.status !== "scheduled").slice(0, HISTORY);
  const current = currentJob(queue.data);
  const detail = useJob(current?.id ?? null).data?.job;
  const loaded = Boolean(queue.data);
  const [lastId, setLastId] = useState<string | null>(null);
  useEffect(() => {
    if (current) setLastId(current.id);
  }, [current?.id]); // eslint-disable-line react-hooks/exhaustive-deps
  const shownId = current?.id ?? lastId;
  // The detail says whether a stop is already asked for; the queue says who holds the slot.
  const controls = current ? { ...current, ...(detail?.id === current.id ? { control: detail.control, parent_id: detail.parent_id } : {}) } : null;
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Dashboard</h1>
          <p className="subtitle">Start jobs, watch them run and review recent results.</p>
        </div>
        <DashboardActions current={loaded ? controls : null} />
      </div>
      <StatsPanel />
      {!loaded ? (
        <p className="loading">Loading…</p>
      ) : shownId ? (
        <CurrentJob jobId={shownId} />
      ) : (
        <section className="card" aria-labelledby="current-title">
          <h2 id="current-title" className="card-title">
            Current job
          </h2>
          <EmptyState title="No job is running">Start Job runs one with your default settings; jobs run one at a time, in order.</EmptyState>
        </section>
      )}
      <QueuePanel />
      <JobHistory jobs={history} isLoading={recent.isLoading} error={recent.error} />
      <LatestImages galleryHref={GALLERY_HREF} />
    </>
  );
}
