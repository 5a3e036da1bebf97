// The New job form's values → the API's `config`, and the API's error `field` → the form field.

export type JobFormValues = {
  label: string;
  keywords: string;
  generations: string;
  variations: string;
  dimensions: string;
  max_concurrency: string;
  keyword_random: boolean;
  debug: boolean;
  quality_check: boolean;
  metadata: boolean;
  approval: boolean;
  scheduled_at: string;
  advanced: string;
};

export const INITIAL_VALUES: JobFormValues = {
  label: "",
  keywords: "",
  generations: "1",
  variations: "1",
  dimensions: "1024x1024",
  max_concurrency: "2",
  keyword_random: false,
  debug: false,
  quality_check: false,
  metadata: false,
  approval: false,
  scheduled_at: "",
  advanced: "",
};

/** API field path → form field. */
const FIELDS: Record<string, keyof JobFormValues> = {
  label: "label",
  keywords: "keywords",
  keywords_file: "keywords",
  keyword_random: "keyword_random",
  generations: "generations",
  variations: "variations",
  "parameters.dimensions": "dimensions",
  "parameters.max_concurrency": "max_concurrency",
  debug: "debug",
  "ai.quality_check": "quality_check",
  "ai.metadata": "metadata",
  approval: "approval",
  scheduled_at: "scheduled_at",
};

export class FormError extends Error {
  constructor(
    readonly field: keyof JobFormValues | null,
    message: string,
  ) {
    super(message);
  }
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

export function deepMerge(base: Json, extra: Json): Json {
  const out: Json = { ...base };
  for (const [key, value] of Object.entries(extra)) {
    const current = out[key];
    out[key] = isObject(value) && isObject(current) ? deepMerge(current, value) : value;
  }
  return out;
}

function whole(values: JobFormValues, name: keyof JobFormValues, label: string): number | undefined {
  const raw = String(values[name]).trim();
  if (raw === "") return undefined;
  if (!/^-?\d+$/.test(raw)) throw new FormError(name, `${label} must be a whole number`);
  return Number(raw);
}

export function parseAdvanced(raw: string): Json {
  if (!raw.trim()) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    throw new FormError("advanced", `Advanced JSON is not valid JSON: ${(error as Error).message}`);
  }
  if (!isObject(parsed)) throw new FormError("advanced", 'Advanced JSON must be an object, e.g. {"debug": true}');
  return parsed;
}

/** The request body for POST /api/jobs; throws FormError for what the browser can tell. */
export function buildRequest(values: JobFormValues): { config: Json; scheduled_at?: string } {
  const config: Json = {};
  const parameters: Json = {};
  if (values.label.trim()) config.label = values.label.trim();
  const keywords = values.keywords.split("\n").map((line) => line.trim()).filter(Boolean);
  if (keywords.length) config.keywords = keywords;
  const generations = whole(values, "generations", "generations");
  if (generations !== undefined) config.generations = generations;
  const variations = whole(values, "variations", "variations");
  if (variations !== undefined) config.variations = variations;
  const dimensions = values.dimensions.split(",").map((part) => part.trim()).filter(Boolean);
  if (dimensions.length) parameters.dimensions = dimensions;
  const concurrency = whole(values, "max_concurrency", "max_concurrency");
  if (concurrency !== undefined) parameters.max_concurrency = concurrency;
  if (Object.keys(parameters).length) config.parameters = parameters;
  config.keyword_random = values.keyword_random;
  config.debug = values.debug;
  config.ai = { quality_check: values.quality_check, metadata: values.metadata };
  if (values.approval) config.approval = true;
  const body: { config: Json; scheduled_at?: string } = { config: deepMerge(config, parseAdvanced(values.advanced)) };
  if (values.scheduled_at) {
    const moment = new Date(values.scheduled_at); // datetime-local: the user's time zone
    if (Number.isNaN(moment.getTime())) throw new FormError("scheduled_at", "Start at is not a valid date and time");
    body.scheduled_at = moment.toISOString();
  }
  return body;
}

/** Does `path` ("parameters.dimensions[0]") name something set in the advanced JSON? */
function inAdvanced(advanced: Json, path: string): boolean {
  let node: unknown = advanced;
  for (const part of path.replace(/\[\d+\]/g, "").split(".")) {
    if (!isObject(node) || !(part in node)) return false;
    node = node[part];
  }
  return true;
}

/** The form field an API error's `field` names (null: the form as a whole). */
export function formFieldFor(path: string | null, advancedRaw: string): keyof JobFormValues | null {
  if (!path) return null;
  let advanced: Json = {};
  try {
    advanced = parseAdvanced(advancedRaw);
  } catch {
    advanced = {};
  }
  if (inAdvanced(advanced, path.replace(/^config\./, ""))) return "advanced";
  const bare = path.replace(/^config\./, "").replace(/\[\d+\]/g, "");
  return FIELDS[bare] ?? null;
}
