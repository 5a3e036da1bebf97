// One setting as a form control, by its kind (toggle, number, choice, text, list).

import type { SettingField } from "../../lib/settingsFields";

type Props = { field: SettingField; value: unknown; id: string; invalid: boolean; onChange: (value: unknown) => void };

export function SettingInput({ field, value, id, invalid, onChange }: Props) {
  const common = { id, name: field.path, "aria-invalid": invalid ? ("true" as const) : undefined, disabled: field.readOnly, readOnly: field.readOnly };
  switch (field.kind) {
    case "bool":
      return <input type="checkbox" {...common} checked={value === true} onChange={(e) => onChange(e.target.checked)} />;
    case "int":
    case "num":
      return (
        <input
          type="number"
          {...common}
          min={field.min}
          max={field.max}
          step={field.step ?? (field.kind === "int" ? 1 : "any")}
          value={value === null || value === undefined ? "" : String(value)}
          onChange={(e) => onChange(e.target.value === "" ? null : Number(e.target.value))}
        />
      );
    case "enum":
      return (
        <select {...common} value={String(value ?? "")} onChange={(e) => onChange(e.target.value)}>
          {(field.choices ?? []).map((choice) => (
            <option key={choice} value={choice}>
              {choice}
            </option>
          ))}
        </select>
      );
    case "list":
      return (
        <textarea
          {...common}
          rows={3}
          value={Array.isArray(value) ? value.join("\n") : ""}
          onChange={(e) => onChange(e.target.value.split("\n").map((line) => line.trim()).filter(Boolean))}
        />
      );
    case "longtext":
      return <textarea {...common} rows={3} value={String(value ?? "")} onChange={(e) => onChange(e.target.value || null)} />;
    default:
      return <input type="text" {...common} value={String(value ?? "")} onChange={(e) => onChange(e.target.value)} />;
  }
}
