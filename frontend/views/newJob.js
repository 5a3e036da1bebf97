// The "New job" dialog: a form over the common settings of a job `config` (SPEC §2), plus an
// "Advanced JSON" box merged into it. The server validates; its 400 is shown at the field.

import { api } from "../api.js";
import { toast } from "../components.js";
import { h } from "../dom.js";

const FIELDS = {
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
  advanced: "advanced",
};

let dialog = null;
let form = null;
let controls = {};
let formError = null;
let submitButton = null;

function fieldId(name) {
  return `job-${name.replace(/_/g, "-")}`;
}

function errorSlot(name) {
  return h("p", {
    class: "field-error",
    id: `${fieldId(name)}-error`,
    "data-testid": `error-${name}`,
    role: "alert",
    hidden: true,
  });
}

function field(name, labelText, input, hint) {
  input.id = fieldId(name);
  input.name = name;
  const hintEl = hint ? h("p", { class: "field-hint", id: `${fieldId(name)}-hint` }, hint) : null;
  input.setAttribute("aria-describedby", [hintEl && hintEl.id, `${fieldId(name)}-error`].filter(Boolean).join(" "));
  controls[name] = input;
  return h(
    "div",
    { class: "field", "data-field": name },
    h("label", { for: input.id }, labelText),
    input,
    hintEl,
    errorSlot(name),
  );
}

function checkbox(name, labelText, hint) {
  const input = h("input", { type: "checkbox", id: fieldId(name), name });
  controls[name] = input;
  const hintEl = hint ? h("p", { class: "field-hint", id: `${fieldId(name)}-hint` }, hint) : null;
  input.setAttribute("aria-describedby", [hintEl && hintEl.id, `${fieldId(name)}-error`].filter(Boolean).join(" "));
  return h(
    "div",
    { class: "field field-check", "data-field": name },
    h("div", { class: "check-row" }, input, h("label", { for: input.id }, labelText)),
    hintEl,
    errorSlot(name),
  );
}

function numberInput(min, max, value) {
  return h("input", { type: "number", min: String(min), max: String(max), step: "1", value: String(value), inputmode: "numeric" });
}

function build() {
  controls = {};
  formError = h("div", { class: "notice notice-error", role: "alert", "data-testid": "form-error", hidden: true });
  submitButton = h("button", { type: "submit", class: "btn btn-primary", "data-testid": "submit-job" }, "Start job");
  const cancel = h("button", { type: "button", class: "btn", onClick: () => dialog.close() }, "Cancel");

  form = h(
    "form",
    { class: "job-form", novalidate: true, "data-testid": "new-job-form" },
    h("div", { class: "dialog-head" }, h("h2", { id: "new-job-title", class: "dialog-title" }, "New job")),
    h("p", { class: "dialog-text" }, "The job starts at once (or at the time you set), or waits in the queue while another job runs."),
    formError,
    field("label", "Label", h("input", { type: "text", autocomplete: "off", placeholder: "job_YYYYMMDD_HHMMSS" }),
      "Optional. A name to find the job by."),
    field(
      "keywords",
      "Keywords",
      h("textarea", { rows: "4", placeholder: "red fox\nblue lake", spellcheck: "false" }),
      "One keyword per line. Each generation takes the next keyword (or a random one).",
    ),
    h(
      "div",
      { class: "field-grid" },
      field("generations", "Generations", numberInput(1, 2500, 1), "1–2500"),
      field("variations", "Variations", numberInput(1, 20, 1), "1–20 images per generation"),
      field("dimensions", "Dimensions", h("input", { type: "text", value: "1024x1024", autocomplete: "off" }),
        "Comma-separated WxH, rotated per generation"),
      field("max_concurrency", "Max concurrency", numberInput(1, 16, 2), "1–16 image batches at once"),
    ),
    h(
      "fieldset",
      { class: "fieldset" },
      h("legend", {}, "Options"),
      h(
        "div",
        { class: "check-grid" },
        checkbox("keyword_random", "Random keywords", "Pick a random keyword per generation."),
        checkbox("debug", "Debug logs", "Keep technical log lines too."),
        checkbox("quality_check", "Quality check"),
        checkbox("metadata", "Metadata"),
        checkbox("approval", "Wait for my approval", "Hold after generation and quality check until approved."),
      ),
      h(
        "p",
        { class: "field-hint" },
        "Off by default in this form for now. Quality check flags blank or wrong-size images; " +
          "metadata writes a title, description and tags per image.",
      ),
    ),
    field(
      "scheduled_at",
      "Start at",
      h("input", { type: "datetime-local", step: "60" }),
      "Optional, in your time zone. Empty: start now.",
    ),
    h(
      "details",
      { class: "advanced" },
      h("summary", {}, "Advanced JSON"),
      field(
        "advanced",
        "Extra configuration (JSON object)",
        h("textarea", { rows: "5", class: "mono", spellcheck: "false", placeholder: '{"parameters": {"format": "jpg"}}' }),
        "Merged into the job configuration over the fields above.",
      ),
    ),
    h("div", { class: "dialog-actions" }, cancel, submitButton),
  );
  form.addEventListener("submit", onSubmit);
  dialog = h("dialog", { class: "dialog", "aria-labelledby": "new-job-title", "data-testid": "new-job-dialog" }, form);
  document.body.append(dialog);
}

function clearErrors() {
  formError.hidden = true;
  formError.textContent = "";
  for (const [name, input] of Object.entries(controls)) {
    input.removeAttribute("aria-invalid");
    const slot = document.getElementById(`${fieldId(name)}-error`);
    slot.hidden = true;
    slot.textContent = "";
  }
}

function showError(name, message) {
  const input = name && controls[name];
  if (!input) {
    formError.textContent = message;
    formError.hidden = false;
    formError.scrollIntoView({ block: "nearest" });
    return;
  }
  const slot = document.getElementById(`${fieldId(name)}-error`);
  slot.textContent = message;
  slot.hidden = false;
  input.setAttribute("aria-invalid", "true");
  if (name === "advanced") input.closest("details").open = true;
  input.focus();
}

function isPlainObject(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function deepMerge(base, extra) {
  const out = { ...base };
  for (const [key, value] of Object.entries(extra)) {
    out[key] = isPlainObject(value) && isPlainObject(out[key]) ? deepMerge(out[key], value) : value;
  }
  return out;
}

/** Does `path` ("parameters.dimensions[0]") name something set in the advanced JSON? */
function inAdvanced(advanced, path) {
  let node = advanced;
  for (const part of path.replace(/\[\d+\]/g, "").split(".")) {
    if (!isPlainObject(node) || !(part in node)) return false;
    node = node[part];
  }
  return true;
}

function readNumber(name, config, key) {
  const input = controls[name];
  if (input.validity.badInput) throw Object.assign(new Error(`${key} must be a whole number`), { field: name });
  if (input.value.trim() === "") return;
  config[key] = Number(input.value);
}

/** The `config` object from the form; throws {field, message} for what the browser can tell. */
function readConfig() {
  const config = {};
  const parameters = {};
  const label = controls.label.value.trim();
  if (label) config.label = label;
  const keywords = controls.keywords.value.split("\n").map((line) => line.trim()).filter(Boolean);
  if (keywords.length) config.keywords = keywords;
  readNumber("generations", config, "generations");
  readNumber("variations", config, "variations");
  const dimensions = controls.dimensions.value.split(",").map((part) => part.trim()).filter(Boolean);
  if (dimensions.length) parameters.dimensions = dimensions;
  readNumber("max_concurrency", parameters, "max_concurrency");
  if (Object.keys(parameters).length) config.parameters = parameters;
  config.keyword_random = controls.keyword_random.checked;
  config.debug = controls.debug.checked;
  config.ai = { quality_check: controls.quality_check.checked, metadata: controls.metadata.checked };
  if (controls.approval.checked) config.approval = true;
  let advanced = {};
  const raw = controls.advanced.value.trim();
  if (raw) {
    try {
      advanced = JSON.parse(raw);
    } catch (err) {
      throw Object.assign(new Error(`Advanced JSON is not valid JSON: ${err.message}`), { field: "advanced" });
    }
    if (!isPlainObject(advanced)) {
      throw Object.assign(new Error("Advanced JSON must be an object, e.g. {\"debug\": true}"), { field: "advanced" });
    }
  }
  return { config: deepMerge(config, advanced), advanced, scheduledAt: readScheduledAt() };
}

/** The "Start at" local time as an ISO 8601 UTC time, or undefined to start now. */
function readScheduledAt() {
  const value = controls.scheduled_at.value;
  if (!value) return undefined;
  const moment = new Date(value);
  if (Number.isNaN(moment.getTime())) {
    throw Object.assign(new Error("Start at is not a valid date and time"), { field: "scheduled_at" });
  }
  return moment.toISOString();
}

function fieldFor(path, advanced) {
  if (!path) return null;
  if (inAdvanced(advanced, path)) return "advanced";
  const bare = path.replace(/^config\./, "").replace(/\[\d+\]/g, "");
  return FIELDS[bare] || null;
}

async function onSubmit(event) {
  event.preventDefault();
  clearErrors();
  let built;
  try {
    built = readConfig();
  } catch (err) {
    showError(err.field, err.message);
    return;
  }
  submitButton.disabled = true;
  submitButton.textContent = "Starting…";
  try {
    const body = { config: built.config };
    if (built.scheduledAt) body.scheduled_at = built.scheduledAt;
    const { job } = await api.startJob(body);
    dialog.close();
    const when = job.scheduled_at ? new Date(job.scheduled_at).toLocaleString() : "";
    toast(job.status === "scheduled" ? `Job “${job.label}” scheduled for ${when}` : `Job “${job.label}” started`, "success");
    window.dispatchEvent(new CustomEvent("imgfactory:job-started", { detail: job }));
    window.location.hash = `#/jobs/${encodeURIComponent(job.id)}`;
  } catch (err) {
    if (err.status === 401) {
      dialog.close();
    } else if (err.status === 400) {
      showError(fieldFor(err.field, built.advanced), err.message);
    } else {
      showError(null, err.message);
    }
  } finally {
    submitButton.disabled = false;
    submitButton.textContent = "Start job";
  }
}

export function openNewJobDialog() {
  if (!dialog) build();
  clearErrors();
  dialog.showModal();
  controls.label.focus();
}
