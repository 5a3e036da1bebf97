// GET /api/health: where the console runs (the local stack names its AWS endpoint).

import { useQuery } from "@tanstack/react-query";

import { api, unwrap } from "../api/client";
import { keys } from "./keys";

export function useHealth() {
  return useQuery({
    queryKey: keys.health(),
    queryFn: async () => unwrap(await api.GET("/api/health")),
    staleTime: Infinity,
  });
}
