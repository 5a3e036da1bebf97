// An export being built: GET /api/exports/{id} every second until it is ready (its download link)
// or failed (its error). A finished export has remembered its custom folder in the settings, so
// the settings are read again: the next export dialog offers that folder.

import { useQuery, useQueryClient } from "@tanstack/react-query";

import { api, unwrap, type Export } from "../api/client";
import { keys } from "./keys";

export function useExportProgress(started: Export | null) {
  const client = useQueryClient();
  return useQuery({
    queryKey: keys.exportJob(started?.id ?? "none"),
    enabled: Boolean(started),
    initialData: started ?? undefined,
    queryFn: async () => {
      const current = unwrap(await api.GET("/api/exports/{export_id}", { params: { path: { export_id: started!.id } } })).export;
      if (current.status !== "building") void client.invalidateQueries({ queryKey: keys.settings() });
      return current;
    },
    refetchInterval: (query) => (query.state.data?.status === "building" ? 1000 : false),
  });
}
