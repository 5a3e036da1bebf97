// GET /api/stats and the latest approved images: the dashboard's numbers and thumbnails, read
// again whenever a job's status changes (see liveCache).

import { useQuery } from "@tanstack/react-query";

import { api, unwrap } from "../api/client";
import { keys } from "./keys";

export function useStats() {
  return useQuery({
    queryKey: keys.stats(),
    queryFn: async () => unwrap(await api.GET("/api/stats")),
  });
}

export function useLatestImages(limit: number) {
  return useQuery({
    queryKey: keys.latestImages(limit),
    queryFn: async () =>
      unwrap(await api.GET("/api/images", { params: { query: { status: "approved", sort: "newest", limit } } })).items,
  });
}
