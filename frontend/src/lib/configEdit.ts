// Editing a configuration by dotted paths, and the PATCH body that carries the edits: every
// top-level key with a change goes whole (the API merges one level deep), nothing else.

import { valueAt, type Config } from "./settingsFields";

export function setAt(config: Config, path: string, value: unknown): Config {
  const [head, ...rest] = path.split(".") as [string, ...string[]];
  if (rest.length === 0) return { ...config, [head]: value };
  const child = config[head];
  const base = child !== null && typeof child === "object" && !Array.isArray(child) ? (child as Config) : {};
  return { ...config, [head]: setAt(base, rest.join("."), value) };
}

/** The `config` of PATCH /api/jobs/{id}: the top-level keys whose content changed. */
export function configChanges(before: Config, after: Config): Config {
  const changes: Config = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (JSON.stringify(before[key] ?? null) !== JSON.stringify(after[key] ?? null)) changes[key] = after[key] ?? null;
  }
  return changes;
}

/** An API error's field ("config.processing.jpg_quality", "processing.jpg_quality[0]") as the
 * setting path it names. */
export function settingPathOf(field: string | null): string | null {
  if (!field) return null;
  return field.replace(/^config\./, "").replace(/\[\d+\]$/, "");
}

export { valueAt };
