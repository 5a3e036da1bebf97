// Confirm a bulk action after a dry run: the server says how many jobs the selection covers and
// how many of them the action would skip, before anything happens.

import { useEffect } from "react";

import { ConfirmDialog } from "../../components/ConfirmDialog";
import { ErrorAlert } from "../../components/ErrorAlert";
import { useBulkPreview, type BulkAction } from "../../queries/useBulkJobs";
import type { Selection } from "./useJobSelection";

const VERBS: Record<Exclude<BulkAction, "export">, { title: string; confirm: string; effect: string }> = {
  delete: { title: "Delete jobs?", confirm: "Delete", effect: "deleted with their images, logs and files, for good" },
  rerun: { title: "Rerun jobs?", confirm: "Rerun", effect: "rerun one at a time, in the order shown, each from its current settings" },
};

type Props = {
  action: Exclude<BulkAction, "export">;
  selection: Selection;
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
};

export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

export function BulkConfirm({ action, selection, busy, onConfirm, onCancel }: Props) {
  const preview = useBulkPreview();
  const { mutate } = preview;
  useEffect(() => {
    mutate({ action, selection });
  }, [mutate, action, selection]);
  const verb = VERBS[action];
  const result = preview.data;
  const acting = result ? result.matched - result.would_refuse : 0;
  return (
    <ConfirmDialog
      title={verb.title}
      confirmLabel={result ? `${verb.confirm} ${plural(acting, "job")}` : verb.confirm}
      danger={action === "delete"}
      busy={busy || !result}
      confirmDisabled={!result || acting === 0}
      onCancel={onCancel}
      onConfirm={onConfirm}
    >
      <ErrorAlert error={preview.error} />
      {!result && !preview.error ? <p className="loading">Counting the jobs…</p> : null}
      {result ? (
        <div data-testid="bulk-preview" data-matched={result.matched}>
          <p>
            {selection.mode === "matching" ? "This filter matches " : "You selected "}
            <strong data-testid="bulk-matched">{plural(result.matched, "job")}</strong>. {plural(acting, "job")} will be{" "}
            {verb.effect}.
          </p>
          {result.would_refuse ? (
            <p data-testid="bulk-refused">
              {plural(result.would_refuse, "job")} will be skipped:{" "}
              {result.refused.slice(0, 3).map((r) => `${r.id.slice(0, 8)} (${r.reason})`).join(", ")}
              {result.would_refuse > 3 ? "…" : ""}
            </p>
          ) : null}
        </div>
      ) : null}
    </ConfirmDialog>
  );
}
