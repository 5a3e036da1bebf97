// POST /api/jobs/estimate for the form's current body: nothing is started. Keyed by the body, so
// each change of the settings asks once (the form debounces).

import { keepPreviousData, useQuery } from "@tanstack/react-query";

import { api, unwrap } from "../api/client";
import { keys } from "./keys";

export type StartBody = { config: Record<string, unknown>; scheduled_at?: string };

export function useEstimate(body: StartBody | null) {
  return useQuery({
    queryKey: keys.estimate(body),
    queryFn: async () => unwrap(await api.POST("/api/jobs/estimate", { body: body as never })).estimate,
    enabled: body !== null,
    placeholderData: keepPreviousData,
    retry: false,
  });
}
