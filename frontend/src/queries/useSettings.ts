// GET/PUT /api/settings (the workspace's default configuration and write-only API keys) and
// POST /api/keywords/preview (a keywords file's first rows, before it is saved).

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, unwrap } from "../api/client";
import type { components, paths } from "../api/schema";
import { keys } from "./keys";

export type Settings = components["schemas"]["Settings"];
export type SettingsUpdate = paths["/api/settings"]["put"]["requestBody"]["content"]["application/json"];
export type KeywordsPreview = components["schemas"]["KeywordsPreview"];

/** `fresh`: read them again on every mount, however recently read (the export dialog: an export
 * that just finished has remembered its folder). */
export function useSettings({ fresh = false }: { fresh?: boolean } = {}) {
  return useQuery({
    queryKey: keys.settings(),
    queryFn: async () => unwrap(await api.GET("/api/settings")).settings,
    ...(fresh ? { refetchOnMount: "always" as const } : {}),
  });
}

export function useSaveSettings() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (body: SettingsUpdate) => unwrap(await api.PUT("/api/settings", { body })).settings,
    onSuccess: (settings) => client.setQueryData(keys.settings(), settings),
  });
}

export function usePreviewKeywords() {
  return useMutation({
    mutationFn: async (body: { name: string; content: string; prompt_template?: string | null }) =>
      unwrap(await api.POST("/api/keywords/preview", { body })).preview,
  });
}
