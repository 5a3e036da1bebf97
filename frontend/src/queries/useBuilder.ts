// The job builder's server state: the phases (blocks), the templates, plan validation.

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, unwrap } from "../api/client";
import type { components } from "../api/schema";
import { keys } from "./keys";

export type Phase = components["schemas"]["PhaseList"]["items"][number];
export type Template = components["schemas"]["Template"];
export type PlanReport = components["schemas"]["PlanReport"];
export type TemplateBody = { name: string; phases: string[]; config: Record<string, unknown> };

export function usePhases() {
  return useQuery({
    queryKey: keys.phases(),
    queryFn: async () => unwrap(await api.GET("/api/phases")).items,
    staleTime: Infinity,
  });
}

export function useTemplates() {
  return useQuery({
    queryKey: keys.templates(),
    queryFn: async () => unwrap(await api.GET("/api/templates")).items,
  });
}

export function useSaveTemplate() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, body }: { id: string | null; body: TemplateBody }) =>
      id
        ? unwrap(await api.PUT("/api/templates/{template_id}", { params: { path: { template_id: id } }, body: body as never })).template
        : unwrap(await api.POST("/api/templates", { body: body as never })).template,
    onSuccess: () => void client.invalidateQueries({ queryKey: keys.templates() }),
  });
}

export function useDeleteTemplate() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (id: string) => {
      unwrap(await api.DELETE("/api/templates/{template_id}", { params: { path: { template_id: id } } }));
      return id;
    },
    onSuccess: () => void client.invalidateQueries({ queryKey: keys.templates() }),
  });
}

export function useValidatePlan() {
  return useMutation({
    mutationFn: async (phases: string[]) => unwrap(await api.POST("/api/plans/validate", { body: { phases } })),
  });
}
