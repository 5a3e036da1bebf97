// GET /api/jobs: one page of jobs for the filters (the cursor is the API's, passed back as given).

import { keepPreviousData, useQuery } from "@tanstack/react-query";

import { api, unwrap } from "../api/client";
import { isActive } from "../lib/status";
import { usePollInterval } from "../live/liveCache";
import { keys, type JobListParams } from "./keys";

export function useJobs(params: JobListParams) {
  const interval = usePollInterval(2000);
  return useQuery({
    queryKey: keys.jobList(params),
    queryFn: async () => unwrap(await api.GET("/api/jobs", { params: { query: params } })),
    placeholderData: keepPreviousData,
    refetchInterval: (query) => (query.state.data?.items.some((job) => isActive(job.status)) ? interval : false),
  });
}
