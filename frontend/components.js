// Small pieces used by several views: status badges, progress bars, toasts, a confirm dialog.

import { followAllJobs } from "./live.js";
import { h, setText } from "./dom.js";
import { humanize } from "./format.js";

export function statusBadge(status, label, props = {}) {
  const { class: extra, ...rest } = props;
  const badge = h("span", { "data-testid": "status-badge", ...rest });
  badge.dataset.base = extra ? `badge ${extra}` : "badge";
  updateStatusBadge(badge, status, label);
  return badge;
}

export function updateStatusBadge(badge, status, label) {
  const safe = String(status || "unknown").replace(/[^a-z_]/g, "");
  const className = `${badge.dataset.base || "badge"} badge-${safe}`;
  if (badge.className !== className) badge.className = className;
  badge.dataset.status = safe;
  setText(badge, label || humanize(status));
}

/** A progress bar with its percentage as text; update it with updateProgress. */
export function progressBar(props = {}) {
  const fill = h("div", { class: "progress-fill" });
  const track = h(
    "div",
    {
      class: "progress-track",
      role: "progressbar",
      "aria-valuemin": "0",
      "aria-valuemax": "100",
      "aria-label": "Progress",
    },
    fill,
  );
  const value = h("span", { class: "progress-value", "data-testid": "progress-value" });
  const wrapper = h("div", { class: "progress", ...props }, track, value);
  return wrapper;
}

export function updateProgress(wrapper, progress, status) {
  const percent = Math.max(0, Math.min(100, Math.round(Number(progress) || 0)));
  const track = wrapper.querySelector(".progress-track");
  const fill = wrapper.querySelector(".progress-fill");
  track.setAttribute("aria-valuenow", String(percent));
  fill.style.width = `${percent}%`;
  wrapper.dataset.status = status || "";
  wrapper.dataset.value = String(percent);
  setText(wrapper.querySelector(".progress-value"), `${percent}%`);
}

export function progressWith(progress, status, props) {
  const bar = progressBar(props);
  updateProgress(bar, progress, status);
  return bar;
}

// --- toasts -------------------------------------------------------------------------------

let toastRegion = null;

export function toast(message, kind = "info") {
  if (!toastRegion) {
    toastRegion = h("div", { class: "toasts", role: "status", "aria-live": "polite" });
    document.body.append(toastRegion);
  }
  const item = h("div", { class: `toast toast-${kind}`, "data-testid": "toast" }, message);
  toastRegion.append(item);
  setTimeout(() => item.classList.add("toast-leaving"), 3600);
  setTimeout(() => item.remove(), 4000);
}

// --- confirm dialog -----------------------------------------------------------------------

/** Ask before a destructive action; resolves true when confirmed. */
/**
 * A modal confirmation. Resolves to false when cancelled; otherwise to true, or, with
 * `reasonLabel`, to `{ reason }` (the text typed, possibly empty).
 */
export function confirmAction({ title, body, confirmLabel, danger = false, reasonLabel = "" }) {
  return new Promise((resolve) => {
    const reason = reasonLabel
      ? h("textarea", { id: "confirm-reason", rows: "3", maxlength: "500", "data-testid": "confirm-reason" })
      : null;
    const cancel = h("button", { type: "button", class: "btn", value: "cancel" }, "Cancel");
    const confirm = h(
      "button",
      {
        type: "button",
        class: danger ? "btn btn-danger" : "btn btn-primary",
        value: "confirm",
        "data-testid": "confirm-action",
      },
      confirmLabel,
    );
    const dialog = h(
      "dialog",
      { class: "dialog dialog-small", "aria-labelledby": "confirm-title", "data-testid": "confirm-dialog" },
      h("h2", { id: "confirm-title", class: "dialog-title" }, title),
      h("p", { class: "dialog-text" }, body),
      reason ? h("div", { class: "field" }, h("label", { for: "confirm-reason" }, reasonLabel), reason) : null,
      h("div", { class: "dialog-actions" }, cancel, confirm),
    );
    let answer = false;
    cancel.addEventListener("click", () => dialog.close());
    confirm.addEventListener("click", () => {
      answer = true;
      dialog.close();
    });
    dialog.addEventListener("close", () => {
      dialog.remove();
      resolve(answer && reason ? { reason: reason.value.trim() } : answer);
    });
    document.body.append(dialog);
    dialog.showModal();
    cancel.focus();
  });
}

export function emptyState(title, text) {
  return h("div", { class: "empty" }, h("p", { class: "empty-title" }, title), text ? h("p", {}, text) : null);
}

export function errorNotice(message, props = {}) {
  return h("div", { class: "notice notice-error", role: "alert", ...props }, message);
}

/**
 * Runs `task` every `intervalMs` (measured from the end of the previous run) while it returns
 * true. An error keeps the loop going (the task shows it) except a 401, which stops it.
 * `kick()` runs it now (or right after the run in flight), restarting a loop that had ended.
 */
export class Poller {
  constructor(task, intervalMs) {
    this.task = task;
    this.intervalMs = intervalMs;
    this.timer = null;
    this.inFlight = false;
    this.pending = false;
    this.stopped = false;
  }

  kick() {
    if (this.stopped) return;
    if (this.inFlight) {
      this.pending = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.run();
  }

  async run() {
    this.timer = null;
    if (this.stopped) return;
    this.inFlight = true;
    let again = false;
    try {
      again = await this.task();
    } catch (err) {
      again = !(err && err.status === 401);
    }
    this.inFlight = false;
    if (this.stopped) return;
    if (this.pending) {
      this.pending = false;
      this.timer = setTimeout(() => this.run(), 0);
    } else if (again) {
      this.timer = setTimeout(() => this.run(), this.intervalMs);
    }
  }

  stop() {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

/** Start polling now, again whenever a job is started from the console, and whenever a job's
 * status or progress changes (over the WebSocket); returns the cleanup. */
export function pollAndRefreshOnJobStart(poller) {
  const onJobStarted = () => poller.kick();
  window.addEventListener("imgfactory:job-started", onJobStarted);
  const stopFollowing = followAllJobs(poller, { offlineMs: poller.intervalMs });
  poller.kick();
  return () => {
    poller.stop();
    stopFollowing();
    window.removeEventListener("imgfactory:job-started", onJobStarted);
  };
}
