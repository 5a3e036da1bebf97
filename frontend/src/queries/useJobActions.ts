// The job's actions (SPEC §6): each answers the job, and marks it and the job lists stale.

import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api, unwrap, type Job } from "../api/client";
import { keys } from "./keys";

export type JobAction = "stop" | "force-stop" | "pause" | "resume" | "rerun" | "approve" | "reject";

async function post(action: JobAction, jobId: string, reason?: string): Promise<Job> {
  const path = { params: { path: { job_id: jobId } } };
  switch (action) {
    case "stop":
      return unwrap(await api.POST("/api/jobs/{job_id}/stop", path)).job;
    case "force-stop":
      return unwrap(await api.POST("/api/jobs/{job_id}/force-stop", path)).job;
    case "pause":
      return unwrap(await api.POST("/api/jobs/{job_id}/pause", path)).job;
    case "resume":
      return unwrap(await api.POST("/api/jobs/{job_id}/resume", path)).job;
    case "rerun":
      return unwrap(await api.POST("/api/jobs/{job_id}/rerun", path)).job;
    case "approve":
      return unwrap(await api.POST("/api/jobs/{job_id}/approve", path)).job;
    case "reject":
      return unwrap(await api.POST("/api/jobs/{job_id}/reject", { ...path, body: reason ? { reason } : {} })).job;
  }
}

export function useJobAction() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ action, jobId, reason }: { action: JobAction; jobId: string; reason?: string }) =>
      post(action, jobId, reason),
    onSettled: (_job, _error, { jobId }) => {
      void client.invalidateQueries({ queryKey: keys.job(jobId) });
      void client.invalidateQueries({ queryKey: keys.jobLists() });
    },
  });
}

export function useDeleteJob() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (jobId: string) => {
      unwrap(await api.DELETE("/api/jobs/{job_id}", { params: { path: { job_id: jobId } } }));
      return jobId;
    },
    onSuccess: (jobId) => {
      client.removeQueries({ queryKey: keys.job(jobId) });
      void client.invalidateQueries({ queryKey: keys.jobLists() });
    },
  });
}

export function useStartJob() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (body: { config: Record<string, unknown>; scheduled_at?: string }) =>
      unwrap(await api.POST("/api/jobs", { body: body as never })).job,
    onSuccess: () => void client.invalidateQueries({ queryKey: keys.jobLists() }),
  });
}
