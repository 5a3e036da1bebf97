// Bulk actions over the selected jobs (their ids, or every job matching a filter, resolved by the
// server), and the dry run that says how many jobs an action would touch before the user confirms.

import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api, unwrap, type Schemas } from "../api/client";
import type { operations } from "../api/schema";
import type { Selection } from "../pages/jobs/useJobSelection";
import { keys } from "./keys";

export type BulkAction = "rerun" | "delete" | "export";
export type Destination = NonNullable<operations["export_jobs"]["requestBody"]["content"]["application/json"]["destination"]>;
export type BulkPreview = Schemas["BulkPreview"];
export type JobFilter = Schemas["JobFilter"];

/** What the API's bulk routes take for a selection. */
export function selectionBody(selection: Selection): { ids: string[] } | { filter: JobFilter } {
  if (selection.mode === "ids") return { ids: selection.ids };
  const filter: Record<string, string> = {};
  for (const [name, value] of Object.entries(selection.filter)) if (value) filter[name] = String(value);
  return { filter: filter as JobFilter };
}

export function useBulkPreview() {
  return useMutation({
    mutationFn: async ({ action, selection }: { action: BulkAction; selection: Selection }) =>
      unwrap(await api.POST("/api/jobs/bulk/preview", { body: { action, ...selectionBody(selection) } })),
  });
}

export function useBulkRerun() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (selection: Selection) => unwrap(await api.POST("/api/jobs/bulk/rerun", { body: selectionBody(selection) })).jobs,
    onSuccess: () => void client.invalidateQueries({ queryKey: keys.jobLists() }),
  });
}

export function useBulkDelete() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (selection: Selection) => unwrap(await api.POST("/api/jobs/bulk/delete", { body: selectionBody(selection) })),
    onSuccess: () => void client.invalidateQueries({ queryKey: keys.jobLists() }),
  });
}

export function useBulkExport() {
  return useMutation({
    mutationFn: async ({ selection, destination }: { selection: Selection; destination: Destination }) =>
      unwrap(await api.POST("/api/jobs/bulk/export", { body: { ...selectionBody(selection), destination } })).export,
  });
}
