// The job configuration as a form: every setting of seed 000's Edit Settings, in its sections,
// dependent fields shown only while their toggle is on, the API's error at the field it names.
// Settings (the workspace defaults), New job and a job's Edit Settings all render this one form;
// what differs is around it (API keys and the keywords file in Settings, a label and a schedule
// in New job), passed in as `before`/`after` children or extra sections.

import { type ReactNode } from "react";

import "./configForm.css";

import { FieldControl } from "./FieldControl";
import { isVisible, SECTIONS, type FieldDef, type Json, type Section } from "./fields";

export type FieldErrors = Record<string, string>;

type Props = {
  value: Json;
  onChange: (next: Json) => void;
  /** API error messages by field path (as `fieldForError` maps them). */
  errors?: FieldErrors;
  /** Section ids to leave out (e.g. "job" where the page shows its own fields). */
  omit?: readonly string[];
  /** Fields to leave out by path (e.g. "label" where the label is asked apart). */
  omitFields?: readonly string[];
  sections?: readonly Section[];
  idPrefix?: string;
  /** Controls a page adds inside a section, after its fields (the keywords file in "prompts"). */
  extras?: Readonly<Record<string, ReactNode>>;
  children?: ReactNode;
};

export function ConfigForm({ value, onChange, errors = {}, omit = [], omitFields = [], sections = SECTIONS, idPrefix = "cfg", extras = {}, children }: Props) {
  return (
    <div className="config-form" data-testid="config-form">
      {sections
        .filter((section) => !omit.includes(section.id))
        .map((section) => {
          const fields = section.fields.filter((field) => !omitFields.includes(field.path));
          return (
            <fieldset key={section.id} className="fieldset config-section" data-section={section.id}>
              <legend>{section.title}</legend>
              {section.description ? <p className="field-hint">{section.description}</p> : null}
              <div className="config-grid">
                {fields.map((field) =>
                  isVisible(field, value) ? (
                    <FieldControl
                      key={field.path}
                      field={field}
                      config={value}
                      onChange={onChange}
                      error={errors[field.path]}
                      idPrefix={idPrefix}
                    />
                  ) : null,
                )}
              </div>
              {extras[section.id] ?? null}
            </fieldset>
          );
        })}
      {children}
    </div>
  );
}

export type { FieldDef };
