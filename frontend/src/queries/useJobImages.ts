// A job's images (GET /api/images?job_id=…), page by page with the API's cursor.

import { useInfiniteQuery } from "@tanstack/react-query";

import { api, unwrap } from "../api/client";
import { keys } from "./keys";

const PAGE = 24;

export function useJobImages(jobId: string, refetchInterval: number | false) {
  return useInfiniteQuery({
    queryKey: keys.jobImages(jobId),
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) =>
      unwrap(await api.GET("/api/images", { params: { query: { job_id: jobId, limit: PAGE, ...(pageParam ? { cursor: pageParam } : {}) } } })),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    refetchInterval,
  });
}
