// A job's spreadsheet: GET /api/jobs/{id}/export answers the link when the file is ready at
// once, else 202 `building`, followed with GET /api/exports/{id} until it is ready or failed.

import { useMutation } from "@tanstack/react-query";

import { api, unwrap, type Export } from "../api/client";
import { ApiError } from "../api/errors";

const FOLLOW_MS = 1000;
const GIVE_UP_MS = 5 * 60 * 1000;

async function follow(first: Export, onProgress?: (progress: number) => void): Promise<Export> {
  let current = first;
  const until = Date.now() + GIVE_UP_MS;
  while (current.status === "building") {
    if (Date.now() > until) throw new ApiError(0, { error: { code: "timeout", message: "The export is taking too long; try again later" } });
    onProgress?.(current.progress ?? 0);
    await new Promise((resolve) => setTimeout(resolve, FOLLOW_MS));
    current = unwrap(await api.GET("/api/exports/{export_id}", { params: { path: { export_id: current.id } } })).export;
  }
  if (current.status === "failed") throw new ApiError(500, { error: { code: "export_failed", message: current.error ?? "The export failed" } });
  return current;
}

export function useExportJob(onProgress?: (progress: number) => void) {
  return useMutation({
    mutationFn: async (jobId: string) => {
      const first = unwrap(await api.GET("/api/jobs/{job_id}/export", { params: { path: { job_id: jobId } } })).export;
      return follow(first, onProgress);
    },
  });
}

/** Start the browser's download of a ready export. */
export function download(url: string): void {
  const link = document.createElement("a");
  link.href = url;
  link.rel = "noopener";
  link.download = "";
  document.body.append(link);
  link.click();
  link.remove();
}
