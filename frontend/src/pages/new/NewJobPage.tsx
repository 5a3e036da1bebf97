// #/new: a job from the workspace's default configuration (Settings), in the same form as
// Settings, with the raw JSON as an advanced view. The API validates; its 400 lands at the field.

import { useEffect, useRef, useState, type FormEvent } from "react";
import { useNavigate } from "react-router";

import { ApiError } from "../../api/errors";
import { ConfigForm } from "../../components/ConfigForm/ConfigForm";
import { Estimate } from "../../components/estimate/Estimate";
import { focusFirstError, formErrors, NO_ERRORS, type FormErrors } from "../../components/ConfigForm/errors";
import { mergeConfig, type Json } from "../../components/ConfigForm/fields";
import { ErrorAlert } from "../../components/ErrorAlert";
import { useToast } from "../../components/Toasts";
import { useTitle } from "../../hooks/useTitle";
import { useStartJob } from "../../queries/useJobActions";
import { useSettings } from "../../queries/useSettings";
import { KeywordsFileSection, type KeywordsFileValue } from "../settings/KeywordsFileSection";
import { buildJobRequest, FormError, parseConfigJson } from "./jobRequest";

export function NewJobPage() {
  useTitle("New job");
  const navigate = useNavigate();
  const toast = useToast();
  const start = useStartJob();
  const settings = useSettings();
  const form = useRef<HTMLFormElement>(null);
  const [config, setConfig] = useState<Json | null>(null);
  const [scheduledAt, setScheduledAt] = useState("");
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [jsonOpen, setJsonOpen] = useState(false);
  const [jsonText, setJsonText] = useState("");
  const [jsonError, setJsonError] = useState<string | null>(null);
  const defaults = settings.data?.default_config as Json | undefined;
  useEffect(() => {
    if (defaults && config === null) setConfig(defaults);
  }, [defaults, config]);

  if (settings.error && !settings.data) return <ErrorAlert error={settings.error} />;
  if (!config) return <p className="loading">Loading your default settings…</p>;

  const show = (next: FormErrors) => {
    setErrors(next);
    focusFirstError(form.current);
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setErrors(NO_ERRORS);
    let body;
    try {
      body = buildJobRequest(config, scheduledAt);
    } catch (error) {
      if (error instanceof FormError) show({ fields: error.field ? { [error.field]: error.message } : {}, form: error.field ? null : error.message });
      return;
    }
    start.mutate(body, {
      onSuccess: (job) => {
        const when = job.scheduled_at ? new Date(job.scheduled_at).toLocaleString() : "";
        const queued = job.status === "queued" && (job.queue_position ?? 0) > 1;
        toast(
          job.status === "scheduled"
            ? `Job “${job.label}” scheduled for ${when}`
            : queued
              ? `Job “${job.label}” queued (position ${job.queue_position})`
              : `Job “${job.label}” started`,
          "success",
        );
        navigate(`/jobs/${encodeURIComponent(job.id)}`);
      },
      onError: (error) => {
        if (error instanceof ApiError && error.status === 401) return;
        show(formErrors(error, config, { keywords_file: "keywords_file", scheduled_at: "scheduled_at" }));
      },
    });
  };

  return (
    <section className="card new-job" aria-labelledby="new-job-title">
      <form ref={form} className="job-form" noValidate data-testid="new-job-form" onSubmit={onSubmit}>
        <div className="dialog-head">
          <h1 id="new-job-title" className="dialog-title">
            New job
          </h1>
        </div>
        <p className="dialog-text">
          Starts from your <a href="#/settings">default settings</a>. The job starts at once (or at the time you set), or
          waits in the queue while another job runs.
        </p>
        {errors.form ? (
          <div className="notice notice-error" role="alert" data-testid="form-error">
            {errors.form}
          </div>
        ) : null}
        <ConfigForm
          value={config}
          onChange={setConfig}
          errors={errors.fields}
          idPrefix="new"
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
        >
          <div className="field" data-field="scheduled_at">
            <label htmlFor="new-scheduled-at">Start at</label>
            <input
              id="new-scheduled-at"
              type="datetime-local"
              step={60}
              value={scheduledAt}
              onChange={(event) => setScheduledAt(event.target.value)}
              aria-describedby="new-scheduled-at-hint"
              aria-invalid={errors.fields.scheduled_at ? true : undefined}
            />
            <p className="field-hint" id="new-scheduled-at-hint">
              Optional, in your time zone. Empty: start now.
            </p>
            {errors.fields.scheduled_at ? (
              <p className="field-error" role="alert">
                {errors.fields.scheduled_at}
              </p>
            ) : null}
          </div>
        </ConfigForm>
        <details
          className="advanced"
          open={jsonOpen}
          onToggle={(event) => {
            const open = event.currentTarget.open;
            setJsonOpen(open);
            if (open) {
              setJsonText(JSON.stringify(config, null, 2));
              setJsonError(null);
            }
          }}
        >
          <summary>JSON view (advanced)</summary>
          <div className="field" data-field="json">
            <label htmlFor="new-json">The whole configuration as JSON</label>
            <textarea
              id="new-json"
              rows={14}
              className="mono"
              spellCheck={false}
              value={jsonText}
              onChange={(event) => setJsonText(event.target.value)}
              aria-invalid={jsonError ? true : undefined}
              aria-describedby={jsonError ? "new-json-error" : "new-json-hint"}
            />
            <p className="field-hint" id="new-json-hint">
              Apply puts it into the form above; keys left out take your defaults.
            </p>
            {jsonError ? (
              <p className="field-error" id="new-json-error" role="alert">
                {jsonError}
              </p>
            ) : null}
            <button
              type="button"
              className="btn btn-sm"
              onClick={() => {
                try {
                  setConfig(mergeConfig(defaults ?? {}, parseConfigJson(jsonText)));
                  setJsonError(null);
                  toast("JSON applied to the form", "info");
                } catch (error) {
                  setJsonError((error as Error).message);
                }
              }}
            >
              Apply JSON
            </button>
          </div>
        </details>
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={() => navigate(-1)}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" data-testid="submit-job" disabled={start.isPending}>
            {start.isPending ? "Starting…" : "Start job"}
          </button>
        </div>
      </form>
      <Estimate body={estimateBody(config, scheduledAt)} />
    </section>
  );
}

/** The body the form would start, for the estimate; null while the form cannot make one. */
function estimateBody(config: Json, scheduledAt: string) {
  try {
    return buildJobRequest(config, scheduledAt);
  } catch {
    return null;
  }
}
