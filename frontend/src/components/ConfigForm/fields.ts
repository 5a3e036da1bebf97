// Every setting of a job configuration (seed 000's Edit Settings), grouped as the desktop groups
// them, with the toggles each dependent field needs. One definition serves the Settings page,
// the New job form and a job's Edit Settings: the API validates, and its error `field` (a dotted
// path) lands on the field of the same path.

export type Json = Record<string, unknown>;

type Base = {
  /** Dotted path into the config ("processing.jpg_quality"). */
  path: string;
  label: string;
  hint?: string;
  /** Shown only while every named field has the value (or one of the values) given. */
  when?: Record<string, unknown>;
};

export type FieldDef =
  | (Base & { kind: "bool" })
  | (Base & { kind: "int" | "number"; min?: number; max?: number; step?: number; nullable?: boolean })
  | (Base & { kind: "select"; options: readonly (readonly [string, string])[] })
  | (Base & { kind: "multi"; options: readonly (readonly [string, string])[] })
  | (Base & { kind: "text"; placeholder?: string; nullable?: boolean })
  | (Base & { kind: "textarea"; placeholder?: string; nullable?: boolean; rows?: number })
  /** A list of strings, one per line (or comma-separated with `separator: ","`). */
  | (Base & { kind: "list"; separator: "\n" | ","; placeholder?: string; rows?: number });

export type Section = { id: string; title: string; description?: string; fields: readonly FieldDef[] };

const JPG = { "processing.convert": true, "processing.convert_format": "jpg" };
const MIDJOURNEY = { provider: "midjourney" };
const RUNWARE_ADVANCED = { provider: "runware", "parameters.advanced_enabled": true };

export const SECTIONS: readonly Section[] = [
  {
    id: "job",
    title: "Job",
    fields: [
      { path: "label", kind: "text", label: "Label", hint: "Empty: a dated label (job_YYYYMMDD_HHMMSS).", nullable: true, placeholder: "job_YYYYMMDD_HHMMSS" },
      {
        path: "provider",
        kind: "select",
        label: "Image provider",
        options: [
          ["local", "Local (offline, no key)"],
          ["runware", "Runware"],
          ["openai", "OpenAI Images"],
          ["midjourney", "Midjourney (PiAPI)"],
        ],
      },
      { path: "generations", kind: "int", label: "Generations", hint: "1–2500 prompts, one per keyword in turn.", min: 1, max: 2500 },
      { path: "variations", kind: "int", label: "Variations", hint: "1–20 images per generation.", min: 1, max: 20 },
      { path: "parameters.dimensions", kind: "list", separator: ",", label: "Dimensions", hint: "Comma-separated W×H, each side 128–2048, rotated per generation.", placeholder: "1024x1024" },
      {
        path: "parameters.format",
        kind: "select",
        label: "Output format",
        options: [
          ["png", "PNG"],
          ["jpg", "JPG"],
          ["webp", "WEBP"],
          ["svg", "SVG (not available yet)"],
        ],
      },
      { path: "parameters.model", kind: "text", label: "Model", hint: "The provider's model id (Runware: runware:101@1)." },
      { path: "parameters.max_concurrency", kind: "int", label: "Parallel batches", hint: "1–16 batches of images at once.", min: 1, max: 16 },
    ],
  },
  {
    id: "prompts",
    title: "Keywords and prompts",
    fields: [
      { path: "keywords", kind: "list", separator: "\n", label: "Keywords", hint: "One per line. A keywords file, when there is one, comes first.", placeholder: "red fox\nblue lake", rows: 4 },
      { path: "keyword_random", kind: "bool", label: "Random keywords", hint: "Pick a random keyword per generation instead of the next one." },
      { path: "prompt_template", kind: "textarea", label: "Prompt template", hint: "{keyword} or ${{Subject}}; with a CSV file, ${{Column}} per column.", nullable: true, rows: 3 },
      { path: "parameters.negative_prompt", kind: "textarea", label: "Negative prompt", rows: 2 },
      { path: "qc_prompt", kind: "textarea", label: "Quality check prompt", hint: "Empty: the built-in one.", nullable: true, rows: 2 },
      { path: "metadata_prompt", kind: "textarea", label: "Metadata prompt", hint: "Empty: the built-in one.", nullable: true, rows: 2 },
    ],
  },
  {
    id: "parameters",
    title: "Parameters",
    fields: [
      {
        path: "parameters.process_mode",
        kind: "select",
        label: "Process mode",
        hint: "Midjourney speed.",
        options: [
          ["relax", "Relax"],
          ["fast", "Fast"],
          ["turbo", "Turbo"],
        ],
        when: MIDJOURNEY,
      },
      {
        path: "parameters.aspect_ratios",
        kind: "multi",
        label: "Aspect ratios",
        hint: "Midjourney; rotated per generation.",
        options: [
          ["1:1", "1:1"],
          ["16:9", "16:9"],
          ["9:16", "9:16"],
        ],
        when: MIDJOURNEY,
      },
      {
        path: "parameters.mj_version",
        kind: "select",
        label: "MJ version",
        options: [
          ["6.1", "6.1"],
          ["6.0", "6.0"],
          ["niji", "Niji"],
        ],
        when: MIDJOURNEY,
      },
      { path: "parameters.openai_model", kind: "text", label: "OpenAI model", hint: "For prompts, quality check and metadata." },
      { path: "parameters.enable_polling_timeout", kind: "bool", label: "Enable polling timeout" },
      { path: "parameters.polling_timeout_min", kind: "int", label: "Polling timeout (minutes)", min: 1, max: 60, when: { "parameters.enable_polling_timeout": true } },
      { path: "parameters.polling_interval_s", kind: "int", label: "Polling interval (seconds)", min: 1, max: 60 },
      { path: "parameters.retry_attempts", kind: "int", label: "Retry attempts", hint: "1–5 tries per provider call.", min: 1, max: 5 },
      { path: "parameters.retry_backoff_ms", kind: "int", label: "Retry backoff (ms)", min: 0, max: 60000 },
      { path: "parameters.lora_enabled", kind: "bool", label: "LoRA models" },
      { path: "parameters.lora", kind: "list", separator: "\n", label: "LoRA list", hint: "One model id per line (Runware).", rows: 3, when: { "parameters.lora_enabled": true } },
      { path: "parameters.advanced_enabled", kind: "bool", label: "Runware advanced settings", when: { provider: "runware" } },
      { path: "parameters.advanced.cfg_scale", kind: "number", label: "CFG scale", step: 0.1, nullable: true, when: RUNWARE_ADVANCED },
      { path: "parameters.advanced.steps", kind: "int", label: "Steps", nullable: true, when: RUNWARE_ADVANCED },
      { path: "parameters.advanced.scheduler", kind: "text", label: "Scheduler", nullable: true, when: RUNWARE_ADVANCED },
      {
        path: "parameters.advanced.check_nsfw",
        kind: "select",
        label: "NSFW check",
        options: [
          ["", "Provider default"],
          ["true", "On"],
          ["false", "Off"],
        ],
        when: RUNWARE_ADVANCED,
      },
    ],
  },
  {
    id: "processing",
    title: "Image processing",
    fields: [
      { path: "processing.remove_bg", kind: "bool", label: "Remove background", hint: "remove.bg with its key, offline otherwise." },
      {
        path: "processing.remove_bg_size",
        kind: "select",
        label: "Remove.bg size",
        options: [
          ["auto", "Auto"],
          ["preview", "Preview"],
          ["full", "Full"],
          ["4k", "4K"],
        ],
        when: { "processing.remove_bg": true },
      },
      {
        path: "processing.remove_bg_failure_mode",
        kind: "select",
        label: "On remove.bg failure",
        options: [
          ["approve", "Approve the image as it is"],
          ["mark_failed", "Mark it failed"],
        ],
        when: { "processing.remove_bg": true },
      },
      { path: "processing.trim_transparent", kind: "bool", label: "Trim transparent background", when: { "processing.remove_bg": true } },
      { path: "processing.convert", kind: "bool", label: "Convert images" },
      {
        path: "processing.convert_format",
        kind: "select",
        label: "Convert format",
        options: [
          ["png", "PNG"],
          ["jpg", "JPG"],
          ["webp", "WEBP"],
        ],
        when: { "processing.convert": true },
      },
      { path: "processing.jpg_quality", kind: "int", label: "JPG quality", hint: "1–100", min: 1, max: 100, when: JPG },
      { path: "processing.webp_quality", kind: "int", label: "WebP quality", hint: "1–100", min: 1, max: 100, when: { ...JPG, "processing.convert_format": "webp" } },
      {
        path: "processing.jpg_background",
        kind: "select",
        label: "JPG background colour",
        hint: "Fills what background removal left transparent.",
        options: [
          ["white", "White"],
          ["black", "Black"],
        ],
        when: { ...JPG, "processing.remove_bg": true },
      },
      { path: "processing.enhance", kind: "bool", label: "Image enhancement" },
      { path: "processing.sharpening", kind: "number", label: "Sharpening", hint: "0–10, in steps of 0.5.", min: 0, max: 10, step: 0.5, when: { "processing.enhance": true } },
      { path: "processing.saturation", kind: "number", label: "Saturation", hint: "0–2 (1 keeps it).", min: 0, max: 2, step: 0.1, when: { "processing.enhance": true } },
    ],
  },
  {
    id: "ai",
    title: "AI features",
    fields: [
      { path: "ai.quality_check", kind: "bool", label: "AI quality check", hint: "Approves or fails each image (OpenAI vision, offline checks without a key)." },
      { path: "ai.metadata", kind: "bool", label: "AI metadata", hint: "A title, description and tags per image." },
      { path: "approval", kind: "bool", label: "Wait for my approval", hint: "Hold after generation and the quality check until approved." },
    ],
  },
  {
    id: "advanced",
    title: "Advanced",
    fields: [{ path: "debug", kind: "bool", label: "Debug mode", hint: "Keep technical log lines (the log's Debug view)." }],
  },
];

export const ALL_FIELDS: readonly FieldDef[] = SECTIONS.flatMap((section) => section.fields);

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

export function getPath(config: Json, path: string): unknown {
  let node: unknown = config;
  for (const part of path.split(".")) {
    if (!isObject(node)) return undefined;
    node = node[part];
  }
  return node;
}

/** A copy of `config` with `path` set (objects on the way are copied, never shared). */
export function setPath(config: Json, path: string, value: unknown): Json {
  const [head, ...rest] = path.split(".") as [string, ...string[]];
  if (!rest.length) return { ...config, [head]: value };
  const child = isObject(config[head]) ? (config[head] as Json) : {};
  return { ...config, [head]: setPath(child, rest.join("."), value) };
}

export function isVisible(field: { when?: Record<string, unknown> }, config: Json): boolean {
  return Object.entries(field.when ?? {}).every(([path, wanted]) => {
    const value = getPath(config, path);
    return Array.isArray(wanted) ? wanted.includes(value) : value === wanted;
  });
}

/** The field an API error's `field` names: "default_config.processing.jpg_quality",
 * "config.parameters.dimensions[2]" and "processing.jpg_quality" all name the same one. */
export function fieldForError(path: string | null | undefined): FieldDef | undefined {
  if (!path) return undefined;
  const bare = path.replace(/^(default_config|config)\./, "").replace(/\[\d+\]/g, "");
  let best: FieldDef | undefined;
  for (const field of ALL_FIELDS) {
    if (bare === field.path || bare.startsWith(`${field.path}.`)) {
      if (!best || field.path.length > best.path.length) best = field;
    }
  }
  return best;
}

/** `over` laid on `base`, objects key by key (as the API lays a job's config over the defaults). */
export function mergeConfig(base: Json, over: Json): Json {
  const out: Json = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    out[key] = isObject(value) && isObject(current) ? mergeConfig(current, value) : value;
  }
  return out;
}

/** A config as a job request sends it: an emptied keyword list is left out (the API refuses an
 * explicit empty list; leaving it out means "no list"). */
export function jobRequestConfig(config: Json): Json {
  const out = { ...config };
  if (Array.isArray(out.keywords) && out.keywords.length === 0) delete out.keywords;
  return out;
}
