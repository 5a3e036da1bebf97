// A configuration's keywords file: choose a .txt or .csv, see what the API makes of it (first
// rows, the CSV columns usable as ${{Column}}), or its error with the line, before saving. A
// job's settings show theirs read-only (seed 000: file paths are for reference there).

import "./settings.css";

import { useRef, useState } from "react";

import { ApiError, errorMessage } from "../../api/errors";
import { usePreviewKeywords, type KeywordsPreview } from "../../queries/useSettings";

export type KeywordsFileValue =
  | null
  | { name: string; content: string }
  | { name: string; entries?: number; columns?: string[] };

type Props = {
  value: KeywordsFileValue | undefined;
  promptTemplate: string | null;
  onChange: (next: KeywordsFileValue) => void;
  error?: string | undefined;
  readOnly?: boolean;
};

export function KeywordsFileSection({ value, promptTemplate, onChange, error, readOnly = false }: Props) {
  const input = useRef<HTMLInputElement>(null);
  const preview = usePreviewKeywords();
  const [shown, setShown] = useState<KeywordsPreview | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const stored = value && !("content" in value) ? value : null;

  const onFile = async (file: File | undefined) => {
    if (!file) return;
    setProblem(null);
    setShown(null);
    const content = await file.text();
    preview.mutate(
      { name: file.name, content, prompt_template: promptTemplate },
      {
        onSuccess: (result) => {
          setShown(result);
          onChange({ name: file.name, content });
        },
        onError: (err) => {
          if (err instanceof ApiError && err.status === 401) return;
          setProblem(errorMessage(err));
        },
      },
    );
  };

  const message = problem ?? error ?? null;
  if (readOnly) {
    return (
      <fieldset className="fieldset keywords-file" data-testid="keywords-file">
        <legend>Keywords file</legend>
        <p data-testid="keywords-file-stored">
          {stored ? <StoredFile file={stored} /> : "None."} <span className="field-hint">For reference: a keywords file is uploaded in Settings.</span>
        </p>
      </fieldset>
    );
  }
  return (
    <fieldset className="fieldset keywords-file" data-testid="keywords-file">
      <legend>Keywords file</legend>
      <p className="field-hint">
        A .txt file (one keyword a line) or a .csv file (a header row, then one row per generation; each column is
        available as <code>{"${{Column}}"}</code> in the prompt template). New jobs without keywords of their own use it.
      </p>
      {stored ? (
        <p data-testid="keywords-file-stored">
          <StoredFile file={stored} />
        </p>
      ) : null}
      <div className="field">
        <label htmlFor="keywords-file-input">{stored ? "Replace with another file" : "Upload a file"}</label>
        <input
          ref={input}
          id="keywords-file-input"
          type="file"
          accept=".txt,.csv,text/plain,text/csv"
          aria-describedby={message ? "keywords-file-error" : undefined}
          aria-invalid={message ? true : undefined}
          onChange={(event) => void onFile(event.target.files?.[0])}
        />
      </div>
      {preview.isPending ? <p className="loading">Reading the file…</p> : null}
      {message ? (
        <p className="field-error" id="keywords-file-error" role="alert" data-testid="keywords-file-error">
          {message}
        </p>
      ) : null}
      {shown ? <PreviewTable preview={shown} /> : null}
      {value ? (
        <button
          type="button"
          className="btn btn-sm"
          onClick={() => {
            onChange(null);
            setShown(null);
            if (input.current) input.current.value = "";
          }}
        >
          Remove the keywords file
        </button>
      ) : null}
    </fieldset>
  );
}

function StoredFile({ file }: { file: { name: string; entries?: number; columns?: string[] } }) {
  return (
    <>
      Stored: <strong>{file.name}</strong>
      {file.entries !== undefined ? `, ${file.entries} entries` : ""}
      {file.columns?.length ? `, columns ${file.columns.join(", ")}` : ""}
    </>
  );
}

function PreviewTable({ preview }: { preview: KeywordsPreview }) {
  const columns = preview.kind === "csv" ? preview.columns : ["Keyword"];
  return (
    <div className="keywords-preview" data-testid="keywords-preview">
      <p>
        <strong>{preview.name}</strong>: {preview.entries} {preview.kind === "csv" ? "rows" : "keywords"}
        {preview.rows.length < preview.entries ? `, the first ${preview.rows.length} shown` : ""}. Placeholders:{" "}
        {preview.placeholders.map((p) => (
          <code key={p} className="placeholder">
            {p}
          </code>
        ))}
      </p>
      <div className="table-wrap">
        <table className="table table-compact">
          <caption className="visually-hidden">First rows of {preview.name}</caption>
          <thead>
            <tr>
              <th scope="col">#</th>
              {columns.map((column) => (
                <th scope="col" key={column}>
                  {column}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {preview.rows.map((row, index) => (
              <tr key={index}>
                <td>{index + 1}</td>
                {row.map((cell, i) => (
                  <td key={i}>{cell}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {preview.first_prompt ? (
        <p className="field-hint" data-testid="keywords-first-prompt">
          First prompt: {preview.first_prompt}
        </p>
      ) : null}
    </div>
  );
}
