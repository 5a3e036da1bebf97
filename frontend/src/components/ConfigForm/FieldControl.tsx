// One configuration field as a labelled control. Numbers are sent as typed (the API says what is
// wrong with "abc", at the field); lists keep what is being typed until it parses the same.

import { useEffect, useState } from "react";

import { getPath, setPath, type FieldDef, type Json } from "./fields";

type Props = {
  field: FieldDef;
  config: Json;
  onChange: (next: Json) => void;
  error?: string | undefined;
  idPrefix: string;
};

export function controlId(prefix: string, path: string): string {
  return `${prefix}-${path.replace(/[^a-zA-Z0-9]+/g, "-")}`;
}

function splitList(text: string, separator: string): string[] {
  return text
    .split(separator)
    .map((part) => part.trim())
    .filter(Boolean);
}

function ListInput({ id, value, separator, rows, placeholder, onChange, describedBy, invalid }: {
  id: string;
  value: unknown;
  separator: "\n" | ",";
  rows?: number | undefined;
  placeholder?: string | undefined;
  onChange: (items: string[]) => void;
  describedBy?: string | undefined;
  invalid: boolean;
}) {
  const items = Array.isArray(value) ? value.map(String) : [];
  const joined = items.join(separator === "," ? ", " : "\n");
  const [text, setText] = useState(joined);
  useEffect(() => {
    // A change from outside (a reset, a loaded template) replaces the text being typed.
    if (splitList(text, separator).join("\u0000") !== items.join("\u0000")) setText(joined);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [joined]);
  const common = {
    id,
    value: text,
    placeholder,
    "aria-describedby": describedBy,
    "aria-invalid": invalid || undefined,
    onChange: (event: { target: { value: string } }) => {
      setText(event.target.value);
      onChange(splitList(event.target.value, separator));
    },
  };
  return separator === "," ? (
    <input type="text" autoComplete="off" spellCheck={false} {...common} />
  ) : (
    <textarea rows={rows ?? 3} spellCheck={false} {...common} />
  );
}

export function FieldControl({ field, config, onChange, error, idPrefix }: Props) {
  const id = controlId(idPrefix, field.path);
  const value = getPath(config, field.path);
  const set = (next: unknown) => onChange(setPath(config, field.path, next));
  const hintId = field.hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(" ") || undefined;
  const invalid = Boolean(error);
  const messages = (
    <>
      {field.hint ? (
        <p className="field-hint" id={hintId}>
          {field.hint}
        </p>
      ) : null}
      {error ? (
        <p className="field-error" id={errorId} role="alert" data-testid={`error-${field.path}`}>
          {error}
        </p>
      ) : null}
    </>
  );

  if (field.kind === "bool") {
    return (
      <div className="field-check" data-field={field.path}>
        <label className="check-row" htmlFor={id}>
          <input
            id={id}
            type="checkbox"
            checked={value === true}
            aria-describedby={describedBy}
            aria-invalid={invalid || undefined}
            onChange={(event) => set(event.target.checked)}
          />
          <span>{field.label}</span>
        </label>
        {messages}
      </div>
    );
  }

  if (field.kind === "multi") {
    const chosen = Array.isArray(value) ? value.map(String) : [];
    return (
      <fieldset className="field field-multi" data-field={field.path} aria-describedby={describedBy}>
        <legend>{field.label}</legend>
        <div className="check-inline">
          {field.options.map(([option, label]) => (
            <label key={option} className="check-row">
              <input
                type="checkbox"
                checked={chosen.includes(option)}
                onChange={(event) =>
                  set(event.target.checked ? [...chosen, option] : chosen.filter((c) => c !== option))
                }
              />
              <span>{label}</span>
            </label>
          ))}
        </div>
        {messages}
      </fieldset>
    );
  }

  let control;
  const aria = { id, "aria-describedby": describedBy, "aria-invalid": invalid || undefined };
  switch (field.kind) {
    case "int":
    case "number": {
      const shown = value === null || value === undefined ? "" : String(value);
      control = (
        <input
          type="number"
          inputMode={field.kind === "int" ? "numeric" : "decimal"}
          min={field.min}
          max={field.max}
          step={field.step ?? (field.kind === "int" ? 1 : "any")}
          value={shown}
          onChange={(event) => {
            const raw = event.target.value.trim();
            if (raw === "") set(field.nullable ? null : "");
            else set(Number.isFinite(Number(raw)) ? Number(raw) : raw);
          }}
          {...aria}
        />
      );
      break;
    }
    case "select": {
      const shown = value === null || value === undefined ? "" : String(value);
      control = (
        <select
          value={shown}
          onChange={(event) => {
            const raw = event.target.value;
            if (raw === "true" || raw === "false") set(raw === "true");
            else set(raw === "" ? null : raw);
          }}
          {...aria}
        >
          {field.options.map(([option, label]) => (
            <option key={option} value={option}>
              {label}
            </option>
          ))}
        </select>
      );
      break;
    }
    case "list":
      control = (
        <ListInput
          id={id}
          value={value}
          separator={field.separator}
          rows={field.rows}
          placeholder={field.placeholder}
          describedBy={describedBy}
          invalid={invalid}
          onChange={set}
        />
      );
      break;
    case "textarea":
      control = (
        <textarea
          rows={field.rows ?? 3}
          value={typeof value === "string" ? value : ""}
          placeholder={field.placeholder}
          onChange={(event) => set(event.target.value === "" && field.nullable ? null : event.target.value)}
          {...aria}
        />
      );
      break;
    default:
      control = (
        <input
          type="text"
          autoComplete="off"
          value={typeof value === "string" ? value : ""}
          placeholder={field.placeholder}
          onChange={(event) => set(event.target.value === "" && field.nullable ? null : event.target.value)}
          {...aria}
        />
      );
  }
  return (
    <div className={field.kind === "textarea" || (field.kind === "list" && field.separator === "\n") ? "field field-wide" : "field"} data-field={field.path}>
      <label htmlFor={id}>{field.label}</label>
      {control}
      {messages}
    </div>
  );
}
