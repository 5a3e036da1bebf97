// A job's log, paginated by sequence number: the latest page first (`tail`), then every line
// after the last one shown (`since`, on each `log` message or poll), and earlier pages on demand
// (`before`). The pages live in the query cache under the job's log key.

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useState } from "react";

import { api, unwrap, type LogLine } from "../api/client";
import { keys } from "./keys";

export const LOG_PAGE = 500;
export type LogLevel = "standard" | "debug";

export type LogWindow = {
  lines: LogLine[];
  /** The last sequence number read: the next read asks for what comes after it. */
  next: number;
  /** Lines before the first one shown are still on the server. */
  hasEarlier: boolean;
};

async function readLogs(jobId: string, query: { level: LogLevel; tail?: number; since?: number; before?: number; limit?: number }) {
  return unwrap(await api.GET("/api/jobs/{job_id}/logs", { params: { path: { job_id: jobId }, query } }));
}

function merge(lines: LogLine[], more: LogLine[]): LogLine[] {
  const seen = new Set(lines.map((line) => line.seq));
  return [...lines, ...more.filter((line) => !seen.has(line.seq))].sort((a, b) => a.seq - b.seq);
}

export function useJobLogs(jobId: string, level: LogLevel, refetchInterval: number | false) {
  const client = useQueryClient();
  const key = [...keys.jobLogs(jobId), level] as const;
  const query = useQuery({
    queryKey: key,
    refetchInterval,
    queryFn: async (): Promise<LogWindow> => {
      const known = client.getQueryData<LogWindow>(key);
      if (!known) {
        const page = await readLogs(jobId, { level, tail: LOG_PAGE });
        const first = page.lines[0];
        return { lines: page.lines, next: page.next, hasEarlier: page.lines.length >= LOG_PAGE && first !== undefined && first.seq > 1 };
      }
      let { lines, next } = known;
      for (let round = 0; round < 20; round += 1) {
        const page = await readLogs(jobId, { level, since: next, limit: LOG_PAGE });
        lines = merge(lines, page.lines);
        const advanced = page.next > next;
        next = Math.max(next, page.next);
        if (page.lines.length < LOG_PAGE || !advanced) break;
      }
      return { ...known, lines, next };
    },
  });
  const [loadingEarlier, setLoadingEarlier] = useState(false);
  const loadEarlier = useCallback(async () => {
    const known = client.getQueryData<LogWindow>(key);
    const first = known?.lines[0];
    if (!known || !first) return;
    setLoadingEarlier(true);
    try {
      const page = await readLogs(jobId, { level, before: first.seq, limit: LOG_PAGE });
      client.setQueryData<LogWindow>(key, (current) =>
        current ? { ...current, lines: merge(page.lines, current.lines), hasEarlier: page.lines.length >= LOG_PAGE } : current,
      );
    } finally {
      setLoadingEarlier(false);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client, jobId, level]);
  return { ...query, loadEarlier, loadingEarlier };
}
