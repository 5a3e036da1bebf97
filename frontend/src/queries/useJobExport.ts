// POST /api/jobs/{id}/export: the job's spreadsheet to a destination.

import { useMutation } from "@tanstack/react-query";

import { api, unwrap } from "../api/client";
import type { Destination } from "./useBulkJobs";

export function useJobExport(jobId: string) {
  return useMutation({
    mutationFn: async (destination: Destination) =>
      unwrap(await api.POST("/api/jobs/{job_id}/export", { params: { path: { job_id: jobId } }, body: { destination } })).export,
  });
}
