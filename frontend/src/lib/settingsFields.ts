// Every job setting the console shows or edits, grouped as seed 000's Edit Settings modal groups
// them, with when a dependent field applies (its toggle is on). One table serves the overview
// (as-run snapshot beside the current settings, differences marked) and the edit form.

export type Config = Record<string, unknown>;

export type FieldKind = "bool" | "int" | "num" | "enum" | "text" | "list" | "longtext";

export type SettingField = {
  path: string; // dotted path in the config
  label: string;
  kind: FieldKind;
  choices?: readonly string[];
  min?: number;
  max?: number;
  step?: number;
  hint?: string;
  /** Shown (and applied) only when this holds for the configuration being shown or edited. */
  when?: (config: Config) => boolean;
  readOnly?: boolean;
};

export type SettingSection = { id: string; title: string; note?: string; fields: SettingField[] };

export function valueAt(config: Config | null | undefined, path: string): unknown {
  let node: unknown = config;
  for (const part of path.split(".")) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

const on = (path: string) => (config: Config) => valueAt(config, path) === true;
const provider = (...names: string[]) => (config: Config) => names.includes(String(valueAt(config, "provider") ?? "local"));

export const SETTING_SECTIONS: SettingSection[] = [
  {
    id: "files",
    title: "File paths",
    note: "Reference only: upload another keywords file to change it.",
    fields: [{ path: "keywords_file.name", label: "Keywords file", kind: "text", readOnly: true }],
  },
  {
    id: "parameters",
    title: "Parameters",
    fields: [
      { path: "provider", label: "Provider", kind: "enum", choices: ["local", "runware", "openai", "midjourney"] },
      { path: "keywords", label: "Keywords", kind: "list", hint: "One per line" },
      { path: "keyword_random", label: "Random keywords", kind: "bool" },
      { path: "generations", label: "Generations", kind: "int", min: 1, max: 2500 },
      { path: "variations", label: "Variations", kind: "int", min: 1, max: 20 },
      { path: "parameters.dimensions", label: "Dimensions", kind: "list", hint: "WxH, one per line", when: provider("local", "runware", "openai") },
      { path: "parameters.format", label: "Format", kind: "enum", choices: ["png", "jpg", "webp", "svg"] },
      { path: "parameters.model", label: "Model", kind: "text", when: provider("runware", "local") },
      { path: "parameters.openai_model", label: "OpenAI model", kind: "text" },
      { path: "parameters.process_mode", label: "Process mode", kind: "enum", choices: ["relax", "fast", "turbo"], when: provider("midjourney") },
      { path: "parameters.aspect_ratios", label: "Aspect ratios", kind: "list", hint: "One per line, e.g. 16:9", when: provider("midjourney") },
      { path: "parameters.mj_version", label: "MJ version", kind: "enum", choices: ["6.1", "6.0", "niji"], when: provider("midjourney") },
      { path: "parameters.enable_polling_timeout", label: "Enable polling timeout", kind: "bool" },
      { path: "parameters.polling_timeout_min", label: "Polling timeout (minutes)", kind: "int", min: 1, when: on("parameters.enable_polling_timeout") },
      { path: "parameters.polling_interval_s", label: "Polling interval (seconds)", kind: "int", min: 1 },
      { path: "parameters.max_concurrency", label: "Max concurrency", kind: "int", min: 1, max: 16 },
      { path: "parameters.negative_prompt", label: "Negative prompt", kind: "text" },
      { path: "parameters.lora_enabled", label: "LoRA models", kind: "bool" },
      { path: "parameters.lora", label: "LoRA list", kind: "list", hint: "One per line", when: on("parameters.lora_enabled") },
      { path: "parameters.advanced_enabled", label: "Runware advanced", kind: "bool", when: provider("runware") },
      { path: "parameters.advanced.cfg_scale", label: "CFG scale", kind: "num", step: 0.5, when: (c) => provider("runware")(c) && on("parameters.advanced_enabled")(c) },
      { path: "parameters.advanced.steps", label: "Steps", kind: "int", min: 1, when: (c) => provider("runware")(c) && on("parameters.advanced_enabled")(c) },
      { path: "parameters.advanced.scheduler", label: "Scheduler", kind: "text", when: (c) => provider("runware")(c) && on("parameters.advanced_enabled")(c) },
      { path: "parameters.advanced.check_nsfw", label: "NSFW check", kind: "bool", when: (c) => provider("runware")(c) && on("parameters.advanced_enabled")(c) },
    ],
  },
  {
    id: "processing",
    title: "Image processing",
    fields: [
      { path: "processing.remove_bg", label: "Remove background", kind: "bool" },
      { path: "processing.remove_bg_size", label: "Remove.bg size", kind: "enum", choices: ["auto", "preview", "full", "4k"], when: on("processing.remove_bg") },
      { path: "processing.remove_bg_failure_mode", label: "On remove.bg failure", kind: "enum", choices: ["mark_failed", "approve"], when: on("processing.remove_bg") },
      { path: "processing.trim_transparent", label: "Trim transparent background", kind: "bool", when: on("processing.remove_bg") },
      { path: "processing.convert", label: "Convert", kind: "bool" },
      { path: "processing.convert_format", label: "Convert format", kind: "enum", choices: ["png", "jpg", "webp"], when: on("processing.convert") },
      { path: "processing.jpg_quality", label: "JPG quality", kind: "int", min: 1, max: 100, when: (c) => on("processing.convert")(c) && valueAt(c, "processing.convert_format") === "jpg" },
      { path: "processing.webp_quality", label: "WebP quality", kind: "int", min: 1, max: 100, when: (c) => on("processing.convert")(c) && valueAt(c, "processing.convert_format") === "webp" },
      {
        path: "processing.jpg_background",
        label: "JPG background colour",
        kind: "enum",
        choices: ["white", "black"],
        when: (c) => on("processing.remove_bg")(c) && on("processing.convert")(c) && valueAt(c, "processing.convert_format") === "jpg",
      },
      { path: "processing.enhance", label: "Image enhancement", kind: "bool" },
      { path: "processing.sharpening", label: "Sharpening (0-10)", kind: "num", min: 0, max: 10, step: 0.5, when: on("processing.enhance") },
      { path: "processing.saturation", label: "Saturation (0-2)", kind: "num", min: 0, max: 2, step: 0.1, when: on("processing.enhance") },
    ],
  },
  {
    id: "ai",
    title: "AI features",
    fields: [
      { path: "ai.quality_check", label: "AI quality check", kind: "bool" },
      { path: "qc_prompt", label: "Quality check prompt", kind: "longtext", when: on("ai.quality_check") },
      { path: "ai.metadata", label: "AI metadata", kind: "bool" },
      { path: "metadata_prompt", label: "Metadata prompt", kind: "longtext", when: on("ai.metadata") },
      { path: "prompt_template", label: "Prompt template", kind: "longtext" },
    ],
  },
  {
    id: "advanced",
    title: "Advanced",
    fields: [
      { path: "debug", label: "Debug mode", kind: "bool" },
      { path: "approval", label: "Wait for approval", kind: "bool" },
    ],
  },
];

export function isShown(field: SettingField, config: Config | null | undefined): boolean {
  return !field.when || (config ? field.when(config) : false);
}

/** A setting's value as the overview shows it. */
export function displayValue(field: SettingField, value: unknown): string {
  if (value === undefined || value === null || value === "") return "—";
  if (field.kind === "bool") return value ? "On" : "Off";
  if (Array.isArray(value)) return value.length ? value.map(String).join(", ") : "—";
  return String(value);
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

export type SettingRow = { field: SettingField; asRun: unknown; current: unknown; differs: boolean };

/** Each section's rows: a setting that applies to either configuration, with both values and
 * whether a rerun would change it. */
export function compareSettings(snapshot: Config | null | undefined, current: Config | null | undefined) {
  return SETTING_SECTIONS.map((section) => ({
    section,
    rows: section.fields
      .filter((field) => isShown(field, snapshot) || isShown(field, current))
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
