// Where an export goes (seed 000's export dialog): the default exports folder (a unique, time
// stamped name), or a custom folder with an optional file name and what to do when that file
// exists (append -1, -2… or overwrite). The custom folder last used for this file type is
// remembered by the API and offered again.

import { useId, useState, type FormEvent } from "react";

import { ApiError } from "../api/errors";
import type { Destination } from "../queries/useBulkJobs";
import { useSettings } from "../queries/useSettings";
import { Modal } from "./Modal";

type Props = {
  title: string;
  /** "zip" or "xlsx": the remembered folder is per file type. */
  fileType: "zip" | "xlsx";
  intro?: string;
  busy?: boolean;
  error?: unknown;
  onSubmit: (destination: Destination) => void;
  onCancel: () => void;
};

export function DestinationDialog({ title, fileType, intro, busy = false, error, onSubmit, onCancel }: Props) {
  const id = useId();
  const settings = useSettings({ fresh: true });
  const remembered = settings.data?.export_folders?.[fileType] ?? "";
  const [kind, setKind] = useState<"default" | "custom">("default");
  const [folder, setFolder] = useState<string | null>(null);
  const [filename, setFilename] = useState("");
  const [onDuplicate, setOnDuplicate] = useState<"append" | "overwrite">("append");
  const folderValue = folder ?? remembered;
  const fieldError = (name: string) =>
    error instanceof ApiError && error.field === `destination.${name}` ? error.message : null;
  const otherError = error && !(error instanceof ApiError && error.field?.startsWith("destination.")) ? error : null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (kind === "default") onSubmit({ kind: "default" });
    else
      onSubmit({
        kind: "custom",
        folder: folderValue.trim(),
        ...(filename.trim() ? { filename: filename.trim() } : {}),
        on_duplicate: onDuplicate,
      });
  };

  return (
    <Modal onClose={onCancel} labelledBy={`${id}-title`} testId="destination-dialog">
      <form onSubmit={submit} className="job-form" noValidate>
        <h2 id={`${id}-title`} className="dialog-title">
          {title}
        </h2>
        {intro ? <p className="dialog-text">{intro}</p> : null}
        <fieldset className="fieldset">
          <legend>Destination</legend>
          <label className="check-row">
            <input type="radio" name={`${id}-kind`} checked={kind === "default"} onChange={() => setKind("default")} data-testid="destination-default" />
            <span>Default exports folder (a unique, time-stamped file name)</span>
          </label>
          <label className="check-row">
            <input type="radio" name={`${id}-kind`} checked={kind === "custom"} onChange={() => setKind("custom")} data-testid="destination-custom" />
            <span>Custom location</span>
          </label>
        </fieldset>
        {kind === "custom" ? (
          <>
            <div className="field" data-field="folder">
              <label htmlFor={`${id}-folder`}>Folder</label>
              <input id={`${id}-folder`} type="text" value={folderValue} onChange={(e) => setFolder(e.target.value)} data-testid="destination-folder" aria-invalid={fieldError("folder") ? "true" : undefined} />
              {remembered ? <p className="field-hint">Last used: {remembered}</p> : null}
              {fieldError("folder") ? <p className="field-error" role="alert">{fieldError("folder")}</p> : null}
            </div>
            <div className="field" data-field="filename">
              <label htmlFor={`${id}-filename`}>File name (optional)</label>
              <input id={`${id}-filename`} type="text" value={filename} placeholder={fileType === "zip" ? "bulk_export" : "job"} onChange={(e) => setFilename(e.target.value)} data-testid="destination-filename" />
              <p className="field-hint">.{fileType} is added. Empty: a name from the job.</p>
              {fieldError("filename") ? <p className="field-error" role="alert">{fieldError("filename")}</p> : null}
            </div>
            <fieldset className="fieldset">
              <legend>If the file exists</legend>
              <label className="check-row">
                <input type="radio" name={`${id}-dup`} checked={onDuplicate === "append"} onChange={() => setOnDuplicate("append")} data-testid="duplicate-append" />
                <span>Append a number (name-1.{fileType})</span>
              </label>
              <label className="check-row">
                <input type="radio" name={`${id}-dup`} checked={onDuplicate === "overwrite"} onChange={() => setOnDuplicate("overwrite")} data-testid="duplicate-overwrite" />
                <span>Overwrite it</span>
              </label>
            </fieldset>
          </>
        ) : null}
        {otherError ? (
          <div className="notice notice-error" role="alert">
            {(otherError as Error).message}
          </div>
        ) : null}
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy || (kind === "custom" && !folderValue.trim())} data-testid="destination-submit">
            {busy ? "Exporting…" : "Export"}
          </button>
        </div>
      </form>
    </Modal>
  );
}
