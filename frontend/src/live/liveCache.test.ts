import { QueryClient, QueryObserver } from "@tanstack/react-query";

import type { JobDetail } from "../api/client";
import { keys } from "../queries/keys";
import { applyLiveMessage, burstInvalidator } from "./liveCache";

function cachedJob(progress: number, status: JobDetail["status"] = "running") {
  const client = new QueryClient();
  const job = { id: "j1", label: "J", status, progress, images_planned: 4, created_at: null, phases: [], statistics: {} } as unknown as JobDetail;
  client.setQueryData(keys.job("j1"), { job });
  return client;
}

const read = (client: QueryClient) => client.getQueryData<{ job: JobDetail }>(keys.job("j1"))!.job;

test("a progress message moves the cached job's bar forward and marks the job and lists stale", () => {
  const client = cachedJob(10);
  const stale: string[] = [];
  applyLiveMessage(client, { type: "progress", job_id: "j1", progress: 35, step: "Generating 2/4" }, (key) => stale.push(JSON.stringify(key)));
  expect(read(client).progress).toBe(35);
  expect(read(client).step).toBe("Generating 2/4");
  expect(stale).toEqual([JSON.stringify(keys.job("j1")), JSON.stringify(keys.jobLists())]);
});

test("a late progress message never moves the bar backwards", () => {
  const client = cachedJob(60);
  applyLiveMessage(client, { type: "progress", job_id: "j1", progress: 40 }, () => undefined);
  expect(read(client).progress).toBe(60);
});

test("a status message sets the status and marks the log stale for its last lines", () => {
  const client = cachedJob(100);
  const stale: string[] = [];
  applyLiveMessage(client, { type: "status", job_id: "j1", status: "completed" }, (key) => stale.push(JSON.stringify(key)));
  expect(read(client).status).toBe("completed");
  expect(stale).toContain(JSON.stringify(keys.jobLogs("j1")));
});

test("log and image messages only mark the job's log, or its images and the image lists, stale", () => {
  const client = cachedJob(10);
  const stale: string[] = [];
  applyLiveMessage(client, { type: "log", job_id: "j1", seq: 3 }, (key) => stale.push(JSON.stringify(key)));
  applyLiveMessage(client, { type: "image", job_id: "j1" }, (key) => stale.push(JSON.stringify(key)));
  expect(stale).toEqual([
    JSON.stringify(keys.jobLogs("j1")),
    JSON.stringify(keys.jobImages("j1")),
    JSON.stringify(keys.imageLists()), // the gallery and Failed Images Review
  ]);
  expect(read(client).progress).toBe(10);
});

test("a list read under way lands even while bursts of messages keep marking it stale", async () => {
  // Reads slower than the bursts (a loaded API while a job runs): each burst used to cancel the
  // read and start it again, so the list never showed the job queued meanwhile.
  const client = new QueryClient();
  const key = keys.jobList({ status: "queued" });
  client.setQueryData(key, { items: [] }); // what the list showed before the job was queued
  const observer = new QueryObserver(client, {
    queryKey: key,
    staleTime: 0,
    queryFn: () => new Promise((resolve) => setTimeout(() => resolve({ items: ["queued job"] }), 300)),
  });
  const unsubscribe = observer.subscribe(() => undefined);
  const invalidator = burstInvalidator(client);
  const bursts = setInterval(() => invalidator.later(keys.jobLists()), 50);
  const started = Date.now();
  try {
    while (Date.now() - started < 1500 && !(client.getQueryData<{ items: string[] }>(key)?.items.length ?? 0)) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(client.getQueryData(key)).toEqual({ items: ["queued job"] });
  } finally {
    clearInterval(bursts);
    invalidator.cancel();
    unsubscribe();
  }
});
