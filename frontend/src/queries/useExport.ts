// An export being built: GET /api/exports/{id} every second until it is ready (its download link)
// or failed (its error).

import { useQuery } from "@tanstack/react-query";

import { api, unwrap, type Export } from "../api/client";
import { keys } from "./keys";

export function useExportProgress(started: Export | null) {
  return useQuery({
    queryKey: keys.exportJob(started?.id ?? "none"),
    enabled: Boolean(started),
    initialData: started ?? undefined,
    queryFn: async () => unwrap(await api.GET("/api/exports/{export_id}", { params: { path: { export_id: started!.id } } })).export,
    refetchInterval: (query) => (query.state.data?.status === "building" ? 1000 : false),
  });
}
