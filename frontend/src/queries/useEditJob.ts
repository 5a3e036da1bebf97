// PATCH /api/jobs/{id} (label and/or current settings) and PUT /api/settings (API keys, which are
// workspace secrets, write-only).

import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api, unwrap } from "../api/client";
import { keys } from "./keys";

export type ApiKeyName = "openai" | "piapi" | "remove_bg" | "runware";

export function useEditJob(jobId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ label, config, apiKeys }: { label?: string; config?: Record<string, unknown>; apiKeys?: Partial<Record<ApiKeyName, string>> }) => {
      if (apiKeys && Object.keys(apiKeys).length) {
        unwrap(await api.PUT("/api/settings", { body: { api_keys: apiKeys } as never }));
      }
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
