// The configuration form as every page submits it: Settings (the workspace's defaults), a job's
// Edit Settings and New job. One layout (ConfigForm's sections, the keywords file among the
// prompts, the actions at the end) and one way of showing what the API refuses: at the field its
// `field` names when that field is on screen, above the form otherwise, the keyboard moved to the
// first. What differs between the pages comes in as props: the labels of the actions, fields of
// their own (New job's start time), and whether the keywords file can be replaced there.

import { useRef, useState, type FormEvent, type ReactNode } from "react";

import { ApiError } from "../../api/errors";
import { ConfigForm } from "./ConfigForm";
import { focusFirstError, formErrors, NO_ERRORS, type FormErrors } from "./errors";
import type { Json } from "./fields";
import { KeywordsFileSection, type KeywordsFileValue } from "./KeywordsFileSection";

type Props = {
  value: Json;
  onChange: (next: Json) => void;
  /** Save or start with the form's configuration. A rejection is shown: at its field when it
   * names one (an ApiError's `field`, a FormError's), above the form otherwise. */
  onSubmit: (config: Json) => Promise<unknown>;
  submitLabel: string;
  busyLabel: string;
  submitTestId?: string;
  /** The action beside the submit button (Cancel, Discard changes); it clears the errors too. */
  secondary?: { label: string; onClick: () => void };
  /** "upload": choose and preview a file (Settings, New job); "read-only": shown only. */
  keywordsFile?: "upload" | "read-only";
  /** Fields outside the configuration the page adds, by the error field that names them. */
  ownFields?: readonly string[];
  idPrefix: string;
  testId: string;
  /** Inside the form after the configuration's sections, with the errors at the page's own fields. */
  children?: (errors: Record<string, string>) => ReactNode;
  className?: string;
};

export function SettingsForm({
  value,
  onChange,
  onSubmit,
  submitLabel,
  busyLabel,
  submitTestId = "save-settings",
  secondary,
  keywordsFile = "upload",
  ownFields = [],
  idPrefix,
  testId,
  children,
  className,
}: Props) {
  const form = useRef<HTMLFormElement>(null);
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [busy, setBusy] = useState(false);
  const own = Object.fromEntries(["keywords_file", ...ownFields].map((name) => [name, name]));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setErrors(NO_ERRORS);
    setBusy(true);
    try {
      await onSubmit(value);
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return; // the sign-in takes over
      setErrors(formErrors(error, value, own));
      focusFirstError(form.current);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form ref={form} noValidate onSubmit={(event) => void submit(event)} className={className} data-testid={testId}>
      {errors.form ? (
        <div className="notice notice-error" role="alert" data-testid="form-error">
          {errors.form}
        </div>
      ) : null}
      <ConfigForm
        value={value}
        onChange={onChange}
        errors={errors.fields}
        idPrefix={idPrefix}
        extras={{
          prompts: (
            <KeywordsFileSection
              value={value.keywords_file as KeywordsFileValue | undefined}
              promptTemplate={(value.prompt_template as string | null) ?? null}
              onChange={(next) => onChange({ ...value, keywords_file: next })}
              error={errors.fields.keywords_file}
              readOnly={keywordsFile === "read-only"}
            />
          ),
        }}
      >
        {children?.(errors.fields)}
      </ConfigForm>
      <div className="form-actions">
        {secondary ? (
          <button
            type="button"
            className="btn"
            onClick={() => {
              setErrors(NO_ERRORS);
              secondary.onClick();
            }}
          >
            {secondary.label}
          </button>
        ) : null}
        <button type="submit" className="btn btn-primary" data-testid={submitTestId} disabled={busy}>
          {busy ? busyLabel : submitLabel}
        </button>
      </div>
    </form>
  );
}
