// How live messages reach the query cache: a `status` or `progress` message patches the job
// where it is cached and marks the job and the job lists stale; `log` marks the job's log stale,
// `image` the job's images and the image lists (gallery, failed images). Queries poll as a
// safety net: fast while the connection is down, slowly while it is live (`usePollInterval`).

import type { QueryClient } from "@tanstack/react-query";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";

import type { JobDetail } from "../api/client";
import { keys } from "../queries/keys";
import { live, type LiveMessage, type LiveState } from "./connection";

const BURST_MS = 150; // a burst of messages (a batch's log lines) leads to one read

/** What one message changes in the cache. */
export function applyLiveMessage(client: QueryClient, message: LiveMessage, later: (key: readonly unknown[]) => void): void {
  const jobId = message.job_id;
  if (message.type === "progress" || message.type === "status") {
    client.setQueryData<{ job: JobDetail }>(keys.job(jobId), (old) => {
      if (!old) return old;
      const job = { ...old.job };
      if (message.type === "progress" && typeof message.progress === "number") {
        job.progress = Math.max(job.progress, message.progress);
      }
      if (message.type === "status" && typeof message.status === "string") job.status = message.status as JobDetail["status"];
      if (message.step !== undefined) job.step = message.step;
      return { job };
    });
    later(keys.job(jobId));
    later(keys.jobLists());
    if (message.type === "status") {
      later(keys.jobLogs(jobId));
      later(keys.stats()); // a job that ends changes the numbers
      later(keys.latestImagesAll()); // and may bring approved images
    }
  } else if (message.type === "log") {
    later(keys.jobLogs(jobId));
  } else if (message.type === "image") {
    later(keys.jobImages(jobId));
    later(keys.imageLists()); // the gallery and Failed Images Review show it without a reload
  }
}

/** Invalidate each key at most once per burst. A read already under way is let finish rather than
 * cancelled and started again: while a job runs, bursts come faster than a loaded API answers,
 * and cancelling each time would starve a list (the dashboard's queue kept showing no queued
 * job while the server listed one). The next burst, or the poll, reads what came after it. */
export function burstInvalidator(client: QueryClient): { later: (key: readonly unknown[]) => void; cancel: () => void } {
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  return {
    later(key) {
      const id = JSON.stringify(key);
      if (timers.has(id)) return;
      timers.set(
        id,
        setTimeout(() => {
          timers.delete(id);
          void client.invalidateQueries({ queryKey: key }, { cancelRefetch: false });
        }, BURST_MS),
      );
    },
    cancel() {
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
    },
  };
}

/** Follow one job ("*": every job) while the component is mounted. */
export function useLiveJob(jobId: string | null): void {
  const client = useQueryClient();
  useEffect(() => {
    if (!jobId) return undefined;
    const invalidator = burstInvalidator(client);
    const unsubscribe = live.subscribe(jobId, (message) => applyLiveMessage(client, message, invalidator.later));
    // Catch up on what happened before the subscription took effect.
    const stopWatching = live.onState((state) => {
      if (state !== "live") return;
      invalidator.later(jobId === "*" ? keys.jobLists() : keys.job(jobId));
    });
    return () => {
      unsubscribe();
      stopWatching();
      invalidator.cancel();
    };
  }, [client, jobId]);
}

export function useLiveState(): LiveState {
  const [state, setState] = useState<LiveState>(live.state);
  useEffect(() => live.onState(setState), []);
  return state;
}

/** The safety-net polling interval for something still changing: slow while live, fast if not. */
export function usePollInterval(fastMs: number, liveMs = 15000): number {
  return useLiveState() === "live" ? liveMs : fastMs;
}
