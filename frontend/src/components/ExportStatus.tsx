// A started export: its progress while it builds, then its download link (or its error).

import type { Export } from "../api/client";
import { useExportProgress } from "../queries/useExport";
import { ProgressBar } from "./ProgressBar";

export function ExportStatus({ started, onDismiss }: { started: Export; onDismiss: () => void }) {
  const progress = useExportProgress(started);
  const current = progress.data ?? started;
  const name = current.key ? current.key.split("/").pop() : null;
  return (
    <div className={`notice ${current.status === "failed" ? "notice-error" : "notice-info"} export-status`} role="status" data-testid="export-status" data-status={current.status}>
      {current.status === "building" ? (
        <>
          <span>Building the export… {current.step ?? ""}</span>
          <ProgressBar value={current.progress ?? 0} />
        </>
      ) : current.status === "ready" ? (
        <span>
          Export ready: <code data-testid="export-name">{name}</code>{" "}
          {current.url ? (
            <a className="btn btn-sm btn-primary" href={current.url} download={name ?? true} data-testid="export-download">
              Download
            </a>
          ) : null}
        </span>
      ) : (
        <span>Export failed: {current.error ?? "unknown error"}</span>
      )}{" "}
      <button type="button" className="btn btn-sm" onClick={onDismiss}>
        Dismiss
      </button>
    </div>
  );
}
