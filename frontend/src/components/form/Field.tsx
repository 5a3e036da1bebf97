// A labelled form field with its hint and the API's error for it (from the error's `field`).

import { cloneElement, isValidElement, type ReactElement, type ReactNode } from "react";

type Props = {
  name: string;
  label: string;
  hint?: ReactNode;
  error?: string | null | undefined;
  children: ReactElement<Record<string, unknown>>;
};

export function fieldId(name: string): string {
  return `field-${name.replace(/[^a-zA-Z0-9]+/g, "-")}`;
}

export function Field({ name, label, hint, error, children }: Props) {
  const id = fieldId(name);
  const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ");
  const control = isValidElement(children)
    ? cloneElement(children, {
        id,
        name,
        "aria-invalid": error ? "true" : undefined,
        "aria-describedby": describedBy || undefined,
      })
    : children;
  return (
    <div className="field" data-field={name}>
      <label htmlFor={id}>{label}</label>
      {control}
      {hint ? (
        <p className="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p className="field-error" id={`${id}-error`} data-testid={`error-${name}`} role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

type CheckProps = { name: string; label: string; hint?: string; checked: boolean; onChange: (value: boolean) => void; error?: string | null | undefined };

export function CheckField({ name, label, hint, checked, onChange, error }: CheckProps) {
  const id = fieldId(name);
  return (
    <div className="field-check" data-field={name}>
      <label className="check-row" htmlFor={id}>
        <input id={id} name={name} type="checkbox" checked={checked} onChange={(event) => onChange(event.target.checked)} />
        <span>{label}</span>
      </label>
      {hint ? <p className="field-hint">{hint}</p> : null}
      {error ? (
        <p className="field-error" data-testid={`error-${name}`} role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
