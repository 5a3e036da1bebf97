// Where an export goes: the default exports folder (a unique, timestamped name) or a custom
// folder with an optional file name and what to do when that name exists. Shared by every export.

import { useId, useState } from "react";

import type { ExportDestination } from "../queries/useImages";
import { Modal } from "./Modal";

type Props = {
  title: string;
  busy?: boolean;
  onConfirm: (destination: ExportDestination) => void;
  onCancel: () => void;
};

export function ExportDestinationDialog({ title, busy = false, onConfirm, onCancel }: Props) {
  const id = useId();
  const [kind, setKind] = useState<"default" | "custom">("default");
  const [folder, setFolder] = useState("");
  const [filename, setFilename] = useState("");
  const [onDuplicate, setOnDuplicate] = useState<"append" | "overwrite">("append");
  const destination = (): ExportDestination =>
    kind === "default"
      ? { kind }
      : { kind, folder: folder.trim(), ...(filename.trim() ? { filename: filename.trim() } : {}), on_duplicate: onDuplicate };
  return (
    <Modal onClose={onCancel} labelledBy={`${id}-title`} className="dialog dialog-small" testId="export-dialog">
      <h2 id={`${id}-title`} className="dialog-title">
        {title}
      </h2>
      <fieldset className="field">
        <legend>Destination</legend>
        <label>
          <input type="radio" name={`${id}-kind`} checked={kind === "default"} onChange={() => setKind("default")} /> Default
          exports folder
        </label>
        <label>
          <input type="radio" name={`${id}-kind`} checked={kind === "custom"} onChange={() => setKind("custom")} /> Custom
          location
        </label>
      </fieldset>
      {kind === "custom" ? (
        <>
          <div className="field">
            <label htmlFor={`${id}-folder`}>Folder</label>
            <input id={`${id}-folder`} value={folder} onChange={(event) => setFolder(event.target.value)} />
          </div>
          <div className="field">
            <label htmlFor={`${id}-file`}>File name (optional)</label>
            <input id={`${id}-file`} value={filename} onChange={(event) => setFilename(event.target.value)} />
          </div>
          <div className="field">
            <label htmlFor={`${id}-dup`}>If the file exists</label>
            <select id={`${id}-dup`} value={onDuplicate} onChange={(event) => setOnDuplicate(event.target.value as "append" | "overwrite")}>
              <option value="append">Append a number</option>
              <option value="overwrite">Overwrite</option>
            </select>
          </div>
        </>
      ) : null}
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
        <button
          type="button"
          className="btn btn-primary"
          data-testid="export-confirm"
          disabled={busy || (kind === "custom" && !folder.trim())}
          onClick={() => onConfirm(destination())}
        >
          Export
        </button>
      </div>
    </Modal>
  );
}
