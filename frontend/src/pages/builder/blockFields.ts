// A block's parameters come from GET /api/phases as (dotted path, label, JSON Schema, when); this
// turns each into the field definition the shared configuration form renders, so a block edits
// its settings with the same controls as Settings does.

import type { FieldDef } from "../../components/ConfigForm/fields";

export type PhaseParameter = { field: string; label: string; schema: Record<string, unknown>; when: Record<string, unknown> };

type Schema = {
  type?: string;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  nullable?: boolean;
  description?: string;
  items?: Schema;
};

export function fieldFromParameter(parameter: PhaseParameter): FieldDef {
  const schema = parameter.schema as Schema;
  const base = { path: parameter.field, label: parameter.label, when: parameter.when, hint: schema.description };
  const options = (values: unknown[]) =>
    values.filter((v): v is string => typeof v === "string").map((v) => [v, v] as const);
  switch (schema.type) {
    case "boolean":
      return schema.nullable
        ? { ...base, kind: "select", options: [["", "Default"], ["true", "On"], ["false", "Off"]] }
        : { ...base, kind: "bool" };
    case "integer":
    case "number":
      return {
        ...base,
        kind: schema.type === "integer" ? "int" : "number",
        ...(schema.minimum !== undefined ? { min: schema.minimum } : {}),
        ...(schema.maximum !== undefined ? { max: schema.maximum } : {}),
        ...(schema.type === "number" ? { step: 0.1 } : {}),
        nullable: Boolean(schema.nullable),
      };
    case "array":
      if (schema.items?.enum) return { ...base, kind: "multi", options: options(schema.items.enum) };
      return { ...base, kind: "list", separator: parameter.field.endsWith("dimensions") ? "," : "\n", rows: 3 };
    default:
      if (schema.enum) return { ...base, kind: "select", options: options(schema.enum) };
      if ((schema.maxLength ?? 0) > 1000) return { ...base, kind: "textarea", rows: 3, nullable: Boolean(schema.nullable) };
      return { ...base, kind: "text", nullable: Boolean(schema.nullable) };
  }
}
