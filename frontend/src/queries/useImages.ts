// The workspace's images (GET /api/images) for the gallery and Failed Images Review: pages on
// the API's cursor, counts from the first page; one image with its applied settings; the
// actions on a selection (retry, approve, delete, export; by ids or by the gallery's filter)
// and the background work they start.

import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, unwrap, type Schemas } from "../api/client";
import { keys, type ImageListParams } from "./keys";
import type { Destination as ExportDestination } from "./useBulkJobs";

export type Deletion = Schemas["Deletion"];
export type { Destination as ExportDestination } from "./useBulkJobs";

export function useImageList(params: ImageListParams, refetchInterval: number | false = false) {
  return useInfiniteQuery({
    queryKey: keys.imageList(params),
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) =>
      unwrap(await api.GET("/api/images", { params: { query: { ...params, ...(pageParam ? { cursor: pageParam } : {}) } } })),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    refetchInterval,
  });
}

/** What a bulk action on images covers: the ids picked, or every image matching the gallery's
 * filter (resolved by the server a page at a time, so any number). */
export type ImageSelection = { ids: string[] } | { filter: ImageFilter };
export type ImageFilter = Schemas["ImageFilter"];

/** The dry run of a bulk action by filter: how many images it covers now (counted on the server). */
export function useImagePreview(filter: ImageFilter | null) {
  return useQuery({
    queryKey: ["images", "preview", filter],
    enabled: filter !== null,
    queryFn: async () => unwrap(await api.POST("/api/images/bulk/preview", { body: { filter: filter ?? {} } })),
  });
}

export function useImageDetail(imageId: string | null) {
  return useQuery({
    queryKey: keys.image(imageId ?? ""),
    enabled: Boolean(imageId),
    queryFn: async () => unwrap(await api.GET("/api/images/{image_id}", { params: { path: { image_id: imageId ?? "" } } })),
  });
}

function useInvalidateImages() {
  const client = useQueryClient();
  return () => {
    void client.invalidateQueries({ queryKey: keys.imageLists() });
    void client.invalidateQueries({ queryKey: ["image"] });
    void client.invalidateQueries({ queryKey: keys.jobLists() });
  };
}

async function sleep(ms: number) {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/** Start deleting images and follow the background deletion until it is done. */
export function useDeleteImages() {
  const invalidate = useInvalidateImages();
  return useMutation({
    mutationFn: async (selection: ImageSelection) => {
      let deletion = unwrap(await api.POST("/api/images/bulk/delete", { body: selection })).deletion;
      while (deletion.status === "running") {
        await sleep(500);
        deletion = unwrap(await api.GET("/api/deletions/{deletion_id}", { params: { path: { deletion_id: deletion.id } } })).deletion;
      }
      if (deletion.status === "failed") throw new Error(deletion.error ?? "the deletion failed");
      return deletion;
    },
    onSettled: invalidate,
  });
}

export function useApproveImage() {
  const invalidate = useInvalidateImages();
  return useMutation({
    mutationFn: async (imageId: string) =>
      unwrap(await api.POST("/api/images/{image_id}/approve", { params: { path: { image_id: imageId } } })),
    onSettled: invalidate,
  });
}

export type RetryBody = { ids: string[]; mode: "original" | "custom"; processing?: Record<string, unknown> };

export function useRetryImages() {
  const invalidate = useInvalidateImages();
  return useMutation({
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    mutationFn: async (body: RetryBody) => unwrap(await api.POST("/api/images/retry", { body: body as any })),
    onSettled: invalidate,
  });
}

/** Export images as a ZIP (with metadata.xlsx) and follow the export until its link is ready. */
export function useExportImages() {
  return useMutation({
    mutationFn: async ({ selection, destination }: { selection: ImageSelection; destination: ExportDestination }) => {
      let exported = unwrap(await api.POST("/api/images/export", { body: { ...selection, destination } })).export;
      while (exported.status === "building") {
        await sleep(500);
        exported = unwrap(await api.GET("/api/exports/{export_id}", { params: { path: { export_id: exported.id } } })).export;
      }
      if (exported.status === "failed") throw new Error(exported.error ?? "the export failed");
      return exported;
    },
  });
}
