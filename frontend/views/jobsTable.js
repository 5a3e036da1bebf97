// The jobs table shared by the dashboard and the jobs page, with its row actions.

import { api } from "../api.js";
import { progressWith, statusBadge, toast } from "../components.js";
import { h } from "../dom.js";
import { formatDateTime, formatDuration, formatShortDateTime, isActive, shortId, stepText } from "../format.js";

/** Stop and Rerun from a list; `onChanged` refreshes the list after an action. */
export async function runRowAction(job, action, onChanged) {
  try {
    const { job: result } = await api.jobAction(job.id, action);
    if (action === "rerun") {
      toast(`Rerun started: ${result.label}`, "success");
      window.location.hash = `#/jobs/${encodeURIComponent(result.id)}`;
      return;
    }
    toast(`Stop requested for “${job.label}”`, "info");
  } catch (err) {
    if (err.status !== 401) toast(err.message, "error");
  }
  onChanged();
}

function imagesCell(job) {
  const cell = h("td", { class: "num" }, `${job.images_ok} / ${job.images_planned}`);
  if (job.images_failed) cell.append(h("span", { class: "muted-error" }, ` (${job.images_failed} failed)`));
  return cell;
}

/** A small button that runs one action on a job (disabled while it runs). */
export function actionButton(job, action, { label, title, disabled = false }, onChanged) {
  return h(
    "button",
    {
      type: "button",
      class: "btn btn-sm",
      disabled,
      title,
      onClick: (event) => {
        event.currentTarget.disabled = true;
        runRowAction(job, action, onChanged);
      },
    },
    label,
  );
}

/** Stop (graceful): shows "Stopping…" once asked. */
export function stopButton(job, onChanged, label = "Stop") {
  const stopping = job.control === "stop" || job.control === "force";
  return actionButton(
    job,
    "stop",
    {
      label: stopping ? "Stopping…" : label,
      title: "Finish the current image, then stop",
      disabled: !isActive(job.status) || stopping,
    },
    onChanged,
  );
}

function jobRow(job, onChanged) {
  const href = `#/jobs/${encodeURIComponent(job.id)}`;
  const stop = stopButton(job, onChanged);
  const rerun = actionButton(
    job,
    "rerun",
    { label: "Rerun", title: "Start a new job from this job's configuration", disabled: !job.config_id },
    onChanged,
  );
  return h(
    "tr",
    { "data-testid": "job-row", "data-job-id": job.id, "data-status": job.status },
    h(
      "td",
      { class: "cell-label" },
      h("a", { href, class: "job-link" }, job.label || job.id),
      h("span", { class: "job-id mono", title: job.id }, shortId(job.id)),
    ),
    h("td", {}, statusBadge(job.status, job.status_label)),
    h("td", { class: "cell-progress" }, progressWith(job.progress, job.status)),
    h("td", { class: "cell-step" }, stepText(job)),
    imagesCell(job),
    h("td", { class: "nowrap", title: formatDateTime(job.started_at) }, formatShortDateTime(job.started_at)),
    h("td", { class: "nowrap num" }, formatDuration(job.duration_s)),
    h(
      "td",
      { class: "cell-actions" },
      h("a", { href, class: "btn btn-sm", "aria-label": `View ${job.label}` }, "View"),
      stop,
      rerun,
    ),
  );
}

export function jobsTable(jobs, onChanged) {
  const head = ["Label", "Status", "Progress", "Step", "Images", "Started", "Duration", "Actions"];
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { class: "table", "data-testid": "jobs-table" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          head.map((name) => h("th", { scope: "col", class: name === "Actions" ? "th-actions" : null }, name)),
        ),
      ),
      h(
        "tbody",
        {},
        jobs.map((job) => jobRow(job, onChanged)),
      ),
    ),
  );
}
