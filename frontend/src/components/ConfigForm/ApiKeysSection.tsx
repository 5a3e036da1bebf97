// API keys: write-only. The API shows a stored key only masked (••••abcd); a new one replaces it,
// Clear removes it. Each key is saved on its own, so typing one never resends another.

import "./settings.css";

import { useState, type FormEvent } from "react";

import { ApiError, errorMessage } from "../../api/errors";
import { useToast } from "../Toasts";
import { useSaveSettings } from "../../queries/useSettings";

const KEYS = [
  ["openai", "OpenAI API key", "Prompts, quality check, metadata, and OpenAI images."],
  ["runware", "Runware API key", "Image generation with Runware."],
  ["piapi", "PiAPI key", "Midjourney through PiAPI."],
  ["remove_bg", "Remove.bg API key", "Background removal (offline without it)."],
] as const;

type KeyName = (typeof KEYS)[number][0];

export function ApiKeysSection({ masked, note }: { masked: Record<string, string | null | undefined>; note?: string }) {
  return (
    <section className="card" aria-labelledby="keys-title" data-testid="api-keys">
      <h2 id="keys-title" className="card-title">
        API keys
      </h2>
      <p className="card-text">
        Stored in AWS Secrets Manager, never shown again: only the last four characters are. Without keys, jobs use the
        offline implementations.{note ? ` ${note}` : ""}
      </p>
      <div className="key-list">
        {KEYS.map(([name, label, hint]) => (
          <ApiKeyRow key={name} name={name} label={label} hint={hint} masked={masked[name] ?? null} />
        ))}
      </div>
    </section>
  );
}

function ApiKeyRow({ name, label, hint, masked }: { name: KeyName; label: string; hint: string; masked: string | null }) {
  const save = useSaveSettings();
  const toast = useToast();
  const [value, setValue] = useState("");
  const [error, setError] = useState<string | null>(null);
  const id = `key-${name}`;
  const put = (key: string | null, done: string) => {
    setError(null);
    save.mutate(
      { api_keys: { [name]: key } },
      {
        onSuccess: () => {
          setValue("");
          toast(done, "success");
        },
        onError: (err) => {
          if (err instanceof ApiError && err.status === 401) return;
          setError(errorMessage(err));
        },
      },
    );
  };
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (!value.trim()) {
      setError("Enter the key to store, or use Clear to remove the stored one.");
      return;
    }
    put(value.trim(), `${label} stored`);
  };
  return (
    <form className="key-row" onSubmit={onSubmit} data-testid={`key-${name}`} noValidate>
      <div className="field">
        <label htmlFor={id}>{label}</label>
        <div className="key-current">
          <span className="mono" data-testid={`key-${name}-masked`}>
            {masked ?? "Not set"}
          </span>
        </div>
        <input
          id={id}
          type="password"
          autoComplete="off"
          spellCheck={false}
          placeholder={masked ? "Enter a new key to replace it" : "Paste the key"}
          value={value}
          onChange={(event) => setValue(event.target.value)}
          aria-describedby={`${id}-hint${error ? ` ${id}-error` : ""}`}
          aria-invalid={error ? true : undefined}
        />
        <p className="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
        {error ? (
          <p className="field-error" id={`${id}-error`} role="alert">
            {error}
          </p>
        ) : null}
      </div>
      <div className="key-actions">
        <button type="submit" className="btn btn-sm btn-primary" disabled={save.isPending}>
          {masked ? "Replace" : "Store"}
        </button>
        {masked ? (
          <button
            type="button"
            className="btn btn-sm btn-danger"
            disabled={save.isPending}
            onClick={() => put(null, `${label} cleared`)}
            aria-label={`Clear ${label}`}
          >
            Clear
          </button>
        ) : null}
      </div>
    </form>
  );
}
