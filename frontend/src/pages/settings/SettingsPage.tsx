// #/settings: the workspace's default configuration for new jobs (every setting of seed 000's
// Edit Settings), its keywords file, and the write-only API keys.

import "./settings.css";

import { useEffect, useRef, useState, type FormEvent } from "react";

import { ApiError } from "../../api/errors";
import { ConfigForm } from "../../components/ConfigForm/ConfigForm";
import { focusFirstError, formErrors, NO_ERRORS, type FormErrors } from "../../components/ConfigForm/errors";
import type { Json } from "../../components/ConfigForm/fields";
import { ErrorAlert } from "../../components/ErrorAlert";
import { useToast } from "../../components/Toasts";
import { useTitle } from "../../hooks/useTitle";
import { useSaveSettings, useSettings } from "../../queries/useSettings";
import { ApiKeysSection } from "./ApiKeysSection";
import { KeywordsFileSection, type KeywordsFileValue } from "./KeywordsFileSection";

export function SettingsPage() {
  useTitle("Settings");
  const settings = useSettings();
  const save = useSaveSettings();
  const toast = useToast();
  const form = useRef<HTMLFormElement>(null);
  const [config, setConfig] = useState<Json | null>(null);
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const loaded = settings.data?.default_config as Json | undefined;
  useEffect(() => {
    if (loaded && config === null) setConfig(loaded);
  }, [loaded, config]);

  if (settings.error && !settings.data) return <ErrorAlert error={settings.error} />;
  if (!settings.data || !config) return <p className="loading">Loading settings…</p>;

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setErrors(NO_ERRORS);
    save.mutate(
      { default_config: config as never },
      {
        onSuccess: (saved) => {
          setConfig(saved.default_config as Json);
          toast("Settings saved: new jobs start from them", "success");
        },
        onError: (error) => {
          if (error instanceof ApiError && error.status === 401) return;
          setErrors(formErrors(error, config, { keywords_file: "keywords_file" }));
          focusFirstError(form.current);
        },
      },
    );
  };

  return (
    <>
      <div className="page-head">
        <div>
          <h1>Settings</h1>
          <p className="subtitle">The default configuration every new job starts from, and your API keys.</p>
        </div>
      </div>
      <ApiKeysSection masked={settings.data.api_keys as Record<string, string | null>} />
      <section className="card" aria-labelledby="defaults-title">
        <h2 id="defaults-title" className="card-title">
          Default job configuration
        </h2>
        <form ref={form} noValidate onSubmit={onSubmit} data-testid="settings-form">
          {errors.form ? (
            <div className="notice notice-error" role="alert" data-testid="form-error">
              {errors.form}
            </div>
          ) : null}
          <ConfigForm
            value={config}
            onChange={setConfig}
            errors={errors.fields}
            idPrefix="settings"
            extras={{
              prompts: (
                <KeywordsFileSection
                  value={config.keywords_file as KeywordsFileValue | undefined}
                  promptTemplate={(config.prompt_template as string | null) ?? null}
                  onChange={(next) => setConfig({ ...config, keywords_file: next })}
                  error={errors.fields.keywords_file}
                />
              ),
            }}
          />
          <div className="form-actions">
            <button
              type="button"
              className="btn"
              onClick={() => {
                setErrors(NO_ERRORS);
                setConfig(loaded ?? null);
              }}
            >
              Discard changes
            </button>
            <button type="submit" className="btn btn-primary" data-testid="save-settings" disabled={save.isPending}>
              {save.isPending ? "Saving…" : "Save settings"}
            </button>
          </div>
        </form>
      </section>
    </>
  );
}
