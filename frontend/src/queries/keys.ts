// Query keys in one place, so live messages and mutations mark the same entries stale.

import type { operations } from "../api/schema";

export type JobListParams = NonNullable<operations["list_jobs"]["parameters"]["query"]>;
export type ImageListParams = NonNullable<operations["list_images"]["parameters"]["query"]>;

export const keys = {
  jobLists: () => ["jobs"] as const,
  jobList: (params: JobListParams) => ["jobs", params] as const,
  job: (id: string) => ["job", id] as const,
  jobLogs: (id: string) => ["job", id, "logs"] as const,
  jobImages: (id: string) => ["job", id, "images"] as const,
  imageLists: () => ["images"] as const,
  imageList: (params: ImageListParams) => ["images", params] as const,
  image: (id: string) => ["image", id] as const,
  // Under "jobs": every status message marks the job lists stale, and these with them.
  queue: () => ["jobs", "queue"] as const,
  approvals: () => ["jobs", "approvals"] as const,
  approvalCount: () => ["jobs", "approvals", "count"] as const,
  estimate: (body: unknown) => ["estimate", body] as const,
  health: () => ["health"] as const,
  settings: () => ["settings"] as const,
  exportJob: (id: string) => ["export", id] as const,
  stats: () => ["stats"] as const,
  latestImagesAll: () => ["images", "latest"] as const,
  latestImages: (limit: number) => ["images", "latest", limit] as const,
  phases: () => ["phases"] as const,
  templates: () => ["templates"] as const,
};
