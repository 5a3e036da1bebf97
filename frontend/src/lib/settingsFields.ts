// The job's settings as its overview compares them: every setting of the settings form
// (components/ConfigForm/fields.ts, the one table every form uses), in the form's sections, shown
// where it applies to either configuration (its toggle on), the as-run snapshot beside the current
// settings and each difference (what a rerun would change) marked.

import { getPath, isVisible, SECTIONS, type FieldDef, type Json, type Section } from "../components/ConfigForm/fields";

export type Config = Json;

/** The keywords file is uploaded rather than typed: the overview names it with the prompts. */
const KEYWORDS_FILE: FieldDef = { path: "keywords_file.name", kind: "text", label: "Keywords file" };
/** The label is the job's own (the page's title), not a setting a rerun takes. */
const NOT_COMPARED = new Set(["label"]);

function overviewFields(section: Section): FieldDef[] {
  const fields = section.fields.filter((field) => !NOT_COMPARED.has(field.path));
  return section.id === "prompts" ? [...fields, KEYWORDS_FILE] : fields;
}

export function valueAt(config: Config | null | undefined, path: string): unknown {
  return config ? getPath(config, path) : undefined;
}

function applies(field: FieldDef, config: Config | null | undefined): boolean {
  return !field.when || (config ? isVisible(field, config) : false);
}

/** A setting's value as the overview shows it: a choice by its label, a toggle as On / Off. */
export function displayValue(field: FieldDef, value: unknown): string {
  if (value === undefined || value === null || value === "") return "—";
  if (field.kind === "bool") return value ? "On" : "Off";
  const named = (item: unknown) =>
    field.kind === "select" || field.kind === "multi" ? (field.options.find(([option]) => option === String(item))?.[1] ?? String(item)) : String(item);
  if (Array.isArray(value)) return value.length ? value.map(named).join(", ") : "—";
  return named(value);
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

export type SettingRow = { field: FieldDef; asRun: unknown; current: unknown; differs: boolean };

/** Each section's rows: a setting that applies to either configuration, with both values and
 * whether a rerun would change it. */
export function compareSettings(snapshot: Config | null | undefined, current: Config | null | undefined) {
  return SECTIONS.map((section) => ({
    section,
    rows: overviewFields(section)
      .filter((field) => applies(field, snapshot) || applies(field, current))
      .map((field): SettingRow => {
        const asRun = valueAt(snapshot, field.path);
        const now = valueAt(current, field.path);
        return { field, asRun, current: now, differs: current ? !same(asRun, now) : false };
      }),
  })).filter((group) => group.rows.length > 0);
}

export function countDifferences(snapshot: Config | null | undefined, current: Config | null | undefined): number {
  return compareSettings(snapshot, current).reduce((n, g) => n + g.rows.filter((r) => r.differs).length, 0);
}
