// The PATCH body that carries a job's edited settings: every top-level key with a change goes
// whole (the API merges one level deep), nothing else.

import type { Json } from "../components/ConfigForm/fields";

/** The `config` of PATCH /api/jobs/{id}: the top-level keys whose content changed. */
export function configChanges(before: Json, after: Json): Json {
  const changes: Json = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (JSON.stringify(before[key] ?? null) !== JSON.stringify(after[key] ?? null)) changes[key] = after[key] ?? null;
  }
  return changes;
}
