// The query cache: server state for every page, kept fresh by live messages (live/liveCache)
// and slow polling.

import { QueryClient } from "@tanstack/react-query";

import { ApiError } from "../api/errors";

export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 1000,
        refetchOnWindowFocus: true,
        retry: (count, error) => !(error instanceof ApiError && error.status >= 400 && error.status < 500) && count < 2,
      },
    },
  });
}
