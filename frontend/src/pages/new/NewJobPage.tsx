// #/new: start a job from the common settings of a `config` (SPEC §2), plus an "Advanced JSON"
// box merged over them. The API validates; its 400 is shown at the field it names.

import { useState, type FormEvent } from "react";
import { useNavigate } from "react-router";

import { ApiError, errorMessage } from "../../api/errors";
import { Estimate } from "../../components/estimate/Estimate";
import { CheckField, Field } from "../../components/form/Field";
import { useToast } from "../../components/Toasts";
import { useTitle } from "../../hooks/useTitle";
import { useStartJob } from "../../queries/useJobActions";
import { buildRequest, FormError, formFieldFor, INITIAL_VALUES, type JobFormValues } from "./jobForm";

type Errors = Partial<Record<keyof JobFormValues | "form", string>>;

export function NewJobPage() {
  useTitle("New job");
  const navigate = useNavigate();
  const toast = useToast();
  const start = useStartJob();
  const [values, setValues] = useState<JobFormValues>(INITIAL_VALUES);
  const [errors, setErrors] = useState<Errors>({});
  const [advancedOpen, setAdvancedOpen] = useState(false);
  const set = <K extends keyof JobFormValues>(name: K) => (value: JobFormValues[K]) =>
    setValues((current) => ({ ...current, [name]: value }));
  const text = (name: keyof JobFormValues) => ({
    value: String(values[name]),
    onChange: (event: { target: { value: string } }) => set(name)(event.target.value as never),
  });

  const showError = (field: keyof JobFormValues | null, message: string) => {
    setErrors(field ? { [field]: message } : { form: message });
    if (field === "advanced") setAdvancedOpen(true);
    if (field) setTimeout(() => document.querySelector<HTMLElement>(`[data-field="${field}"] input, [data-field="${field}"] textarea`)?.focus(), 0);
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setErrors({});
    let body;
    try {
      body = buildRequest(values);
    } catch (error) {
      if (error instanceof FormError) showError(error.field, error.message);
      return;
    }
    start.mutate(body, {
      onSuccess: (job) => {
        const when = job.scheduled_at ? new Date(job.scheduled_at).toLocaleString() : "";
        toast(job.status === "scheduled" ? `Job “${job.label}” scheduled for ${when}` : `Job “${job.label}” started`, "success");
        navigate(`/jobs/${encodeURIComponent(job.id)}`);
      },
      onError: (error) => {
        if (error instanceof ApiError && error.status === 401) return;
        if (error instanceof ApiError && error.status === 400) showError(formFieldFor(error.field, values.advanced), error.message);
        else showError(null, errorMessage(error));
      },
    });
  };

  return (
    <section className="card new-job" aria-labelledby="new-job-title">
      <form className="job-form" noValidate data-testid="new-job-form" onSubmit={onSubmit}>
        <div className="dialog-head">
          <h1 id="new-job-title" className="dialog-title">
            New job
          </h1>
        </div>
        <p className="dialog-text">
          The job starts at once (or at the time you set), or waits in the queue while another job runs.
        </p>
        {errors.form ? (
          <div className="notice notice-error" role="alert" data-testid="form-error">
            {errors.form}
          </div>
        ) : null}
        <Field name="label" label="Label" hint="Optional. A name to find the job by." error={errors.label}>
          <input type="text" autoComplete="off" placeholder="job_YYYYMMDD_HHMMSS" {...text("label")} autoFocus />
        </Field>
        <Field
          name="keywords"
          label="Keywords"
          hint="One keyword per line. Each generation takes the next keyword (or a random one)."
          error={errors.keywords}
        >
          <textarea rows={4} placeholder={"red fox\nblue lake"} spellCheck={false} {...text("keywords")} />
        </Field>
        <div className="field-grid">
          <Field name="generations" label="Generations" hint="1–2500" error={errors.generations}>
            <input type="number" min={1} max={2500} step={1} inputMode="numeric" {...text("generations")} />
          </Field>
          <Field name="variations" label="Variations" hint="1–20 images per generation" error={errors.variations}>
            <input type="number" min={1} max={20} step={1} inputMode="numeric" {...text("variations")} />
          </Field>
          <Field name="dimensions" label="Dimensions" hint="Comma-separated WxH, rotated per generation" error={errors.dimensions}>
            <input type="text" autoComplete="off" {...text("dimensions")} />
          </Field>
          <Field name="max_concurrency" label="Max concurrency" hint="1–16 image batches at once" error={errors.max_concurrency}>
            <input type="number" min={1} max={16} step={1} inputMode="numeric" {...text("max_concurrency")} />
          </Field>
        </div>
        <fieldset className="fieldset">
          <legend>Options</legend>
          <div className="check-grid">
            <CheckField name="keyword_random" label="Random keywords" hint="Pick a random keyword per generation." checked={values.keyword_random} onChange={set("keyword_random")} error={errors.keyword_random} />
            <CheckField name="debug" label="Debug logs" hint="Keep technical log lines too." checked={values.debug} onChange={set("debug")} error={errors.debug} />
            <CheckField name="quality_check" label="Quality check" checked={values.quality_check} onChange={set("quality_check")} error={errors.quality_check} />
            <CheckField name="metadata" label="Metadata" checked={values.metadata} onChange={set("metadata")} error={errors.metadata} />
            <CheckField name="approval" label="Wait for my approval" hint="Hold after generation and quality check until approved." checked={values.approval} onChange={set("approval")} error={errors.approval} />
          </div>
          <p className="field-hint">
            Quality check flags blank or wrong-size images; metadata writes a title, description and tags per image.
          </p>
        </fieldset>
        <Field name="scheduled_at" label="Start at" hint="Optional, in your time zone. Empty: start now." error={errors.scheduled_at}>
          <input type="datetime-local" step={60} {...text("scheduled_at")} />
        </Field>
        <details className="advanced" open={advancedOpen} onToggle={(event) => setAdvancedOpen(event.currentTarget.open)}>
          <summary>Advanced JSON</summary>
          <Field name="advanced" label="Extra configuration (JSON object)" hint="Merged into the job configuration over the fields above." error={errors.advanced}>
            <textarea rows={5} className="mono" spellCheck={false} placeholder='{"parameters": {"format": "jpg"}}' {...text("advanced")} />
          </Field>
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
      <Estimate body={estimateBody(values)} />
    </section>
  );
}

/** The body the form would start, for the estimate; null while the form cannot make one. */
function estimateBody(values: JobFormValues) {
  try {
    return buildRequest(values);
  } catch {
    return null;
  }
}
