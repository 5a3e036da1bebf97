// #/: what is running now, and the recent job history (an overview; #/jobs has the rest).

import { api } from "../api.js";
import { emptyState, errorNotice, pollAndRefreshOnJobStart, Poller, progressWith, statusBadge } from "../components.js";
import { fill, h } from "../dom.js";
import { formatDateTime, isActive, shortId, stepText } from "../format.js";
import { jobsTable, stopButton } from "./jobsTable.js";

const RECENT = 20;
const REFRESH_MS = 2000;

const ACTIVE_ORDER = ["running", "waiting_for_approval", "paused", "queued", "scheduled"];

function activeCard(job, onChanged) {
  const href = `#/jobs/${encodeURIComponent(job.id)}`;
  const stop = stopButton(job, onChanged, "Stop job");
  return h(
    "article",
    { class: "active-job", "data-testid": "active-job", "data-job-id": job.id },
    h(
      "div",
      { class: "active-job-head" },
      h("a", { href, class: "active-job-title" }, job.label || job.id),
      statusBadge(job.status, job.status_label),
    ),
    progressWith(job.progress, job.status),
    h(
      "div",
      { class: "active-job-meta" },
      h("span", {}, stepText(job) || "—"),
      h("span", {}, `${job.images_ok} / ${job.images_planned} images`),
      h("span", {}, job.started_at ? `Started ${formatDateTime(job.started_at)}` : "Not started yet"),
      h("span", { class: "mono", title: job.id }, shortId(job.id)),
    ),
    h("div", { class: "active-job-actions" }, h("a", { href, class: "btn btn-sm" }, "Open job"), stop),
  );
}

export function dashboardView(root) {
  const current = h("div", { class: "active-list" }, h("p", { class: "loading" }, "Loading…"));
  const recent = h("div", { class: "card-body-flush" }, h("p", { class: "loading" }, "Loading jobs…"));
  const live = h("span", { class: "live-indicator", hidden: true }, "Auto-refreshing");
  let lastRendered = "";

  fill(
    root,
    h(
      "div",
      { class: "page-head" },
      h(
        "div",
        {},
        h("h1", {}, "Dashboard"),
        h("p", { class: "subtitle" }, "Start jobs, watch them run and review recent results."),
      ),
      live,
    ),
    h(
      "section",
      { class: "card", "aria-labelledby": "current-title" },
      h("h2", { id: "current-title", class: "card-title" }, "Current jobs"),
      current,
    ),
    h(
      "section",
      { class: "card card-flush", "aria-labelledby": "recent-title" },
      h(
        "div",
        { class: "card-head" },
        h("h2", { id: "recent-title", class: "card-title" }, "Recent jobs"),
        h("a", { href: "#/jobs", class: "link" }, "All jobs →"),
      ),
      recent,
    ),
  );

  const load = async () => {
    let page;
    try {
      page = await api.listJobs({ limit: RECENT, sort: "newest" });
    } catch (err) {
      if (err.status !== 401) fill(recent, errorNotice(err.message));
      throw err;
    }
    const rendered = JSON.stringify(page.items);
    if (rendered !== lastRendered) {
      lastRendered = rendered;
      const active = page.items
        .filter((job) => isActive(job.status))
        .sort((a, b) => ACTIVE_ORDER.indexOf(a.status) - ACTIVE_ORDER.indexOf(b.status));
      fill(
        current,
        active.length
          ? active.map((job) => activeCard(job, () => poller.kick()))
          : emptyState("No job is running", "Start one with “New job”; jobs run one at a time, in order."),
      );
      fill(
        recent,
        page.items.length
          ? jobsTable(page.items, () => poller.kick())
          : emptyState("No jobs yet", "Your job history will show here."),
      );
    }
    const anyActive = page.items.some((job) => isActive(job.status));
    live.hidden = !anyActive;
    return anyActive;
  };

  const poller = new Poller(load, REFRESH_MS);
  return pollAndRefreshOnJobStart(poller);
}
