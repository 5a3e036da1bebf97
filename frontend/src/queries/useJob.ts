// GET /api/jobs/{id}: the job's detail (phases, statistics, snapshot and current configuration).

import { useQuery } from "@tanstack/react-query";

import { api, unwrap } from "../api/client";
import { ApiError } from "../api/errors";
import { isActive } from "../lib/status";
import { usePollInterval } from "../live/liveCache";
import { keys } from "./keys";

/** `null`: no job to read yet (the query waits). */
export function useJob(jobId: string | null) {
  const interval = usePollInterval(1000, 10000);
  return useQuery({
    queryKey: keys.job(jobId ?? ""),
    enabled: jobId !== null,
    queryFn: async () => unwrap(await api.GET("/api/jobs/{job_id}", { params: { path: { job_id: jobId ?? "" } } })),
    retry: (count, error) => !(error instanceof ApiError && (error.status === 404 || error.status === 401)) && count < 2,
    refetchInterval: (query) => {
      const job = query.state.data?.job;
      if (query.state.error instanceof ApiError && query.state.error.status === 404) return false;
      return !job || isActive(job.status) ? interval : false;
    },
  });
}
