// The workspace's images (GET /api/images) for the gallery and Failed Images Review: pages on
// the API's cursor, counts from the first page; one image with its applied settings; the
// actions on a selection (retry, approve, delete, export) and the background work they start.

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

/** Every id matching the filter (for "select all matching"), page by page, at most `limit`. */
export async function allMatchingIds(params: ImageListParams, limit = 1000): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = unwrap(
      await api.GET("/api/images", { params: { query: { ...params, limit: 200, ...(cursor ? { cursor } : {}) } } }),
    );
    ids.push(...page.items.map((image) => image.id));
    cursor = page.next_cursor ?? undefined;
  } while (cursor && ids.length < limit);
  return ids.slice(0, limit);
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
    mutationFn: async (ids: string[]) => {
      let deletion = unwrap(await api.POST("/api/images/bulk/delete", { body: { ids } })).deletion;
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
    mutationFn: async ({ ids, destination }: { ids: string[]; destination: ExportDestination }) => {
      let exported = unwrap(await api.POST("/api/images/export", { body: { ids, destination } })).export;
      while (exported.status === "building") {
        await sleep(500);
        exported = unwrap(await api.GET("/api/exports/{export_id}", { params: { path: { export_id: exported.id } } })).export;
      }
      if (exported.status === "failed") throw new Error(exported.error ?? "the export failed");
      return exported;
    },
  });
}
