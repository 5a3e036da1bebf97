// PATCH /api/jobs/{id}: rename the job and/or edit its current settings (what reruns use). API
// keys are the workspace's and are saved apart (ApiKeysSection, PUT /api/settings).

import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api, unwrap } from "../api/client";
import { keys } from "./keys";

export function useEditJob(jobId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ label, config }: { label?: string; config?: Record<string, unknown> }) => {
      const body: Record<string, unknown> = {};
      if (label !== undefined) body.label = label;
      if (config && Object.keys(config).length) body.config = config;
      if (!Object.keys(body).length) return null;
      return unwrap(await api.PATCH("/api/jobs/{job_id}", { params: { path: { job_id: jobId } }, body: body as never })).job;
    },
    onSettled: () => {
      void client.invalidateQueries({ queryKey: keys.job(jobId) });
      void client.invalidateQueries({ queryKey: keys.jobLists() });
      void client.invalidateQueries({ queryKey: keys.settings() });
    },
  });
}
