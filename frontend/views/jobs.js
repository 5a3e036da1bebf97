// #/jobs: every job, filtered by status, sorted, paginated by the API's cursor.

import { api } from "../api.js";
import { emptyState, errorNotice, pollAndRefreshOnJobStart, Poller } from "../components.js";
import { fill, h } from "../dom.js";
import { humanize, isActive, STATUSES } from "../format.js";
import { jobsTable } from "./jobsTable.js";

const PAGE_SIZE = 25;
const REFRESH_MS = 2000;

export function jobsView(root, query) {
  const state = {
    status: STATUSES.includes(query.get("status")) ? query.get("status") : "",
    sort: query.get("sort") === "oldest" ? "oldest" : "newest",
    cursors: [null], // cursors[i] opens page i; the last one is the page on screen
    next: null,
    lastRendered: "",
  };

  const statusSelect = h(
    "select",
    { id: "filter-status", "data-testid": "filter-status" },
    h("option", { value: "" }, "All statuses"),
    STATUSES.map((status) => h("option", { value: status }, humanize(status))),
  );
  statusSelect.value = state.status;
  const sortSelect = h(
    "select",
    { id: "sort-order", "data-testid": "sort-order" },
    h("option", { value: "newest" }, "Newest first"),
    h("option", { value: "oldest" }, "Oldest first"),
  );
  sortSelect.value = state.sort;
  const live = h("span", { class: "live-indicator", hidden: true }, "Auto-refreshing");
  const body = h("div", { class: "card card-flush" }, h("p", { class: "loading" }, "Loading jobs…"));
  const prev = h("button", { type: "button", class: "btn btn-sm", disabled: true }, "← Previous");
  const next = h("button", { type: "button", class: "btn btn-sm", disabled: true }, "Next →");
  const pageInfo = h("span", { class: "page-info" });

  fill(
    root,
    h(
      "div",
      { class: "page-head" },
      h("div", {}, h("h1", {}, "Jobs"), h("p", { class: "subtitle" }, "Every job run, newest first by default.")),
    ),
    h(
      "div",
      { class: "toolbar" },
      h("div", { class: "toolbar-field" }, h("label", { for: "filter-status" }, "Status"), statusSelect),
      h("div", { class: "toolbar-field" }, h("label", { for: "sort-order" }, "Sort"), sortSelect),
      h("div", { class: "toolbar-spacer" }),
      live,
    ),
    body,
    h("div", { class: "pager" }, prev, pageInfo, next),
  );

  const load = async () => {
    const cursor = state.cursors[state.cursors.length - 1];
    let page;
    try {
      page = await api.listJobs({ status: state.status, sort: state.sort, limit: PAGE_SIZE, cursor });
    } catch (err) {
      if (err.status !== 401) fill(body, errorNotice(err.message));
      throw err;
    }
    state.next = page.next_cursor;
    prev.disabled = state.cursors.length <= 1;
    next.disabled = !state.next;
    pageInfo.textContent = `Page ${state.cursors.length}`;
    const rendered = JSON.stringify(page.items);
    if (rendered !== state.lastRendered) {
      state.lastRendered = rendered;
      if (page.items.length === 0) {
        fill(
          body,
          state.status
            ? emptyState(`No ${humanize(state.status).toLowerCase()} jobs`, "Try another status filter.")
            : emptyState("No jobs yet", "Start one with “New job”."),
        );
      } else {
        fill(body, jobsTable(page.items, () => poller.kick()));
      }
    }
    const anyActive = page.items.some((job) => isActive(job.status));
    live.hidden = !anyActive;
    return anyActive;
  };

  const poller = new Poller(load, REFRESH_MS);

  const reload = () => {
    state.lastRendered = "";
    const params = new URLSearchParams();
    if (state.status) params.set("status", state.status);
    if (state.sort !== "newest") params.set("sort", state.sort);
    const hash = `#/jobs${params.toString() ? `?${params}` : ""}`;
    if (window.location.hash !== hash) window.history.replaceState(window.history.state, "", hash);
    poller.kick();
  };

  statusSelect.addEventListener("change", () => {
    state.status = statusSelect.value;
    state.cursors = [null];
    reload();
  });
  sortSelect.addEventListener("change", () => {
    state.sort = sortSelect.value;
    state.cursors = [null];
    reload();
  });
  next.addEventListener("click", () => {
    if (!state.next) return;
    state.cursors.push(state.next);
    reload();
  });
  prev.addEventListener("click", () => {
    if (state.cursors.length > 1) state.cursors.pop();
    reload();
  });

  return pollAndRefreshOnJobStart(poller);
}
