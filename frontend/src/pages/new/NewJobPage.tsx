// #/new: a job from the workspace's default configuration (Settings), in the same form as
// Settings, with the raw JSON as an advanced view. The API validates; its 400 lands at the field.

import { useState } from "react";
import { useNavigate } from "react-router";

import { mergeConfig, type Json } from "../../components/ConfigForm/fields";
import { SettingsForm } from "../../components/ConfigForm/SettingsForm";
import { ErrorAlert } from "../../components/ErrorAlert";
import { Estimate } from "../../components/estimate/Estimate";
import { useToast } from "../../components/Toasts";
import { useDefaultConfig } from "../../hooks/useDefaultConfig";
import { useTitle } from "../../hooks/useTitle";
import { useStartJob } from "../../queries/useJobActions";
import { buildJobRequest, parseConfigJson } from "./jobRequest";

export function NewJobPage() {
  useTitle("New job");
  const navigate = useNavigate();
  const toast = useToast();
  const start = useStartJob();
  const { config, setConfig, defaults, error } = useDefaultConfig();
  const [scheduledAt, setScheduledAt] = useState("");
  const [jsonOpen, setJsonOpen] = useState(false);
  const [jsonText, setJsonText] = useState("");
  const [jsonError, setJsonError] = useState<string | null>(null);

  if (error) return <ErrorAlert error={error} />;
  if (!config) return <p className="loading">Loading your default settings…</p>;

  const onSubmit = async (value: Json) => {
    const job = await start.mutateAsync(buildJobRequest(value, scheduledAt)); // a FormError lands at its field
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
  };

  return (
    <section className="card new-job" aria-labelledby="new-job-title">
      <div className="dialog-head">
        <h1 id="new-job-title" className="dialog-title">
          New job
        </h1>
      </div>
      <p className="dialog-text">
        Starts from your <a href="#/settings">default settings</a>. The job starts at once (or at the time you set), or
        waits in the queue while another job runs.
      </p>
      <SettingsForm
        value={config}
        onChange={setConfig}
        onSubmit={onSubmit}
        submitLabel="Start job"
        busyLabel="Starting…"
        submitTestId="submit-job"
        secondary={{ label: "Cancel", onClick: () => navigate(-1) }}
        ownFields={["scheduled_at", "json"]}
        idPrefix="new"
        testId="new-job-form"
        className="job-form"
      >
        {(errors) => (
          <>
            <div className="field" data-field="scheduled_at">
              <label htmlFor="new-scheduled-at">Start at</label>
              <input
                id="new-scheduled-at"
                type="datetime-local"
                step={60}
                value={scheduledAt}
                onChange={(event) => setScheduledAt(event.target.value)}
                aria-describedby="new-scheduled-at-hint"
                aria-invalid={errors.scheduled_at ? true : undefined}
              />
              <p className="field-hint" id="new-scheduled-at-hint">
                Optional, in your time zone. Empty: start now.
              </p>
              {errors.scheduled_at ? (
                <p className="field-error" role="alert">
                  {errors.scheduled_at}
                </p>
              ) : null}
            </div>
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
                    } catch (failure) {
                      setJsonError((failure as Error).message);
                    }
                  }}
                >
                  Apply JSON
                </button>
              </div>
            </details>
          </>
        )}
      </SettingsForm>
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
