// GET /api/jobs: one page of jobs for the filters (the cursor is the API's, passed back as given).

import { keepPreviousData, useQuery } from "@tanstack/react-query";

import { api, unwrap } from "../api/client";
import { isActive } from "../lib/status";
import { usePollInterval } from "../live/liveCache";
import { keys, type JobListParams } from "./keys";

/** `always`: poll even while the page shows no active job (the dashboard's queue lists, which
 * are empty until a job is queued). */
export function useJobs(params: JobListParams, { always = false }: { always?: boolean } = {}) {
  const interval = usePollInterval(2000);
  return useQuery({
    queryKey: keys.jobList(params),
    queryFn: async () => unwrap(await api.GET("/api/jobs", { params: { query: params } })),
    placeholderData: keepPreviousData,
    refetchInterval: (query) =>
      always || query.state.data?.items.some((job) => isActive(job.status)) ? interval : false,
  });
}
