// GET /api/settings: the workspace's settings, among them the export folders it remembers.

import { useQuery } from "@tanstack/react-query";

import { api, unwrap } from "../api/client";
import { keys } from "./keys";

export function useSettings() {
  return useQuery({
    queryKey: keys.settings(),
    queryFn: async () => unwrap(await api.GET("/api/settings")).settings,
  });
}
