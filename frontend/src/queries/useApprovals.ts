// The approval inbox (GET /api/approvals), its count for the header badge, and single-image
// rejection. A live `inbox` message sets the count at once.

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";

import { api, unwrap, type Schemas } from "../api/client";
import { live } from "../live/connection";
import { usePollInterval } from "../live/liveCache";
import { keys } from "./keys";

export type InboxEntry = Schemas["ApprovalInbox"]["items"][number];

export function useApprovals() {
  const interval = usePollInterval(3000);
  return useQuery({
    queryKey: keys.approvals(),
    queryFn: async () => unwrap(await api.GET("/api/approvals", { params: { query: { limit: 50 } } })),
    refetchInterval: interval,
  });
}

export function useApprovalCount() {
  const client = useQueryClient();
  useEffect(
    () =>
      live.subscribe("*", (message) => {
        if (message.type === "inbox" && typeof message.count === "number") {
          client.setQueryData(keys.approvalCount(), { count: message.count });
        }
      }),
    [client],
  );
  const interval = usePollInterval(5000, 30000);
  return useQuery({
    queryKey: keys.approvalCount(),
    queryFn: async () => unwrap(await api.GET("/api/approvals/count")),
    refetchInterval: interval,
  });
}

export function useRejectImages() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ jobId, imageIds }: { jobId: string; imageIds: string[] }) =>
      unwrap(
        await api.POST("/api/jobs/{job_id}/approval/reject-images", {
          params: { path: { job_id: jobId } },
          body: { image_ids: imageIds },
        }),
      ),
    onSettled: () => void client.invalidateQueries({ queryKey: keys.approvals() }),
  });
}
