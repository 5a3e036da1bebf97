// The workspace queue (GET /api/queue) and its moves and cancels; every change marks it stale.

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, unwrap, type Schemas } from "../api/client";
import { usePollInterval } from "../live/liveCache";
import { keys } from "./keys";

export type Queue = Schemas["Queue"];
export type QueueItem = Queue["items"][number];
export type ScheduledItem = Queue["scheduled"][number];

export function useQueue() {
  const interval = usePollInterval(2000);
  return useQuery({
    queryKey: keys.queue(),
    queryFn: async () => unwrap(await api.GET("/api/queue", { params: { query: { limit: 100 } } })),
    refetchInterval: interval,
  });
}

export function useMoveJob() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ jobId, to }: { jobId: string; to: number }) =>
      unwrap(await api.POST("/api/queue/{job_id}/move", { params: { path: { job_id: jobId } }, body: { to } })),
    onSettled: () => void client.invalidateQueries({ queryKey: keys.jobLists() }),
  });
}

export function useCancelQueued() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (ids: string[]) => unwrap(await api.POST("/api/queue/cancel", { body: { ids } })),
    onSettled: () => void client.invalidateQueries({ queryKey: keys.jobLists() }),
  });
}
