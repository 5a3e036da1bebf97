// Edit Settings (seed 000): the label (rename), API keys (write-only, shown masked), file paths
// (read-only), parameters, image processing (each dependent field only while its toggle is on),
// AI features and advanced. Saved settings are what future reruns use; this job and its images
// keep what they ran with. The API's validation errors are shown at the field they name.

import { useId, useState, type FormEvent } from "react";

import type { JobDetail } from "../../api/client";
import { ApiError, errorMessage } from "../../api/errors";
import { Modal } from "../../components/Modal";
import { configChanges, setAt, settingPathOf } from "../../lib/configEdit";
import { isShown, SETTING_SECTIONS, valueAt, type Config } from "../../lib/settingsFields";
import { useEditJob, type ApiKeyName } from "../../queries/useEditJob";
import { useSettings } from "../../queries/useSettings";
import { SettingInput } from "./SettingInput";

const API_KEYS: { name: ApiKeyName; label: string }[] = [
  { name: "openai", label: "OpenAI API key" },
  { name: "piapi", label: "PiAPI key (Midjourney)" },
  { name: "remove_bg", label: "Remove.bg API key" },
  { name: "runware", label: "Runware API key" },
];

type Props = {
  job: JobDetail;
  saveLabel?: string;
  onClose: () => void;
  onSaved: () => void;
};

export function EditSettingsModal({ job, saveLabel = "Save Settings", onClose, onSaved }: Props) {
  const id = useId();
  const original = (job.config ?? {}) as Config;
  const [label, setLabel] = useState(job.label);
  const [draft, setDraft] = useState<Config>(original);
  const [keysTyped, setKeysTyped] = useState<Partial<Record<ApiKeyName, string>>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const settings = useSettings();
  const edit = useEditJob(job.id);
  const masked = settings.data?.api_keys ?? {};

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setErrors({});
    const changes = configChanges(original, draft);
    const apiKeys = Object.fromEntries(Object.entries(keysTyped).filter(([, v]) => v && v.trim())) as Partial<Record<ApiKeyName, string>>;
    edit.mutate(
      { ...(label.trim() !== job.label ? { label: label.trim() } : {}), config: changes, apiKeys },
      {
        onSuccess: () => onSaved(),
        onError: (error) => {
          const field = error instanceof ApiError ? error.field : null;
          const path = field === "label" ? "label" : field?.startsWith("api_keys.") ? field : settingPathOf(field);
          setErrors({ [path && document.getElementById(`${id}-${path}`) ? path : "form"]: errorMessage(error) });
        },
      },
    );
  };

  return (
    <Modal onClose={onClose} labelledBy={`${id}-title`} className="dialog dialog-wide" testId="edit-settings-dialog">
      <form onSubmit={submit} noValidate className="job-form settings-form">
        <h2 id={`${id}-title`} className="dialog-title">
          Edit settings
        </h2>
        <p className="notice notice-info" data-testid="reruns-only">
          Saved settings affect future reruns of this job only. This job and the images it made keep the settings they
          ran with.
        </p>
        {errors.form ? (
          <div className="notice notice-error" role="alert" data-testid="settings-error">
            {errors.form}
          </div>
        ) : null}
        <div className="field" data-field="label">
          <label htmlFor={`${id}-label`}>Label</label>
          <input id={`${id}-label`} type="text" maxLength={200} value={label} onChange={(e) => setLabel(e.target.value)} aria-invalid={errors.label ? "true" : undefined} />
          {errors.label ? <p className="field-error" role="alert" data-testid="error-label">{errors.label}</p> : null}
        </div>
        <fieldset className="fieldset" data-section="api_keys">
          <legend>API keys</legend>
          <p className="field-hint">Write-only: a key is never shown back. Type a new one to replace it; leave empty to keep it. Keys belong to the workspace, not to this job.</p>
          <div className="field-grid">
            {API_KEYS.map((key) => (
              <div className="field" key={key.name} data-field={`api_keys.${key.name}`}>
                <label htmlFor={`${id}-api_keys.${key.name}`}>{key.label}</label>
                <input
                  id={`${id}-api_keys.${key.name}`}
                  type="password"
                  autoComplete="new-password"
                  placeholder={masked[key.name] ?? "not set"}
                  value={keysTyped[key.name] ?? ""}
                  onChange={(e) => setKeysTyped((typed) => ({ ...typed, [key.name]: e.target.value }))}
                />
                {errors[`api_keys.${key.name}`] ? <p className="field-error" role="alert">{errors[`api_keys.${key.name}`]}</p> : null}
              </div>
            ))}
          </div>
        </fieldset>
        {SETTING_SECTIONS.map((section) => {
          const fields = section.fields.filter((field) => isShown(field, draft) && (!field.readOnly || valueAt(draft, field.path)));
          if (!fields.length) return null;
          return (
            <fieldset className="fieldset" key={section.id} data-section={section.id}>
              <legend>{section.title}</legend>
              {section.note ? <p className="field-hint">{section.note}</p> : null}
              <div className="field-grid">
                {fields.map((field) => {
                  const inputId = `${id}-${field.path}`;
                  const error = errors[field.path];
                  return (
                    <div className={field.kind === "bool" ? "field field-check" : "field"} key={field.path} data-field={field.path}>
                      <label htmlFor={inputId}>{field.label}</label>
                      <SettingInput field={field} id={inputId} value={valueAt(draft, field.path)} invalid={Boolean(error)} onChange={(value) => setDraft((d) => setAt(d, field.path, value))} />
                      {field.hint ? <p className="field-hint">{field.hint}</p> : null}
                      {error ? (
                        <p className="field-error" role="alert" data-testid={`error-${field.path}`}>
                          {error}
                        </p>
                      ) : null}
                    </div>
                  );
                })}
              </div>
            </fieldset>
          );
        })}
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={edit.isPending || !label.trim()} data-testid="save-settings">
            {edit.isPending ? "Saving…" : saveLabel}
          </button>
        </div>
      </form>
    </Modal>
  );
}
