// #/jobs/<id>: one job, live: status, progress, phases, statistics, actions, logs, images.

import { api } from "../api.js";
import {
  confirmAction,
  errorNotice,
  Poller,
  progressBar,
  statusBadge,
  toast,
  updateProgress,
  updateStatusBadge,
} from "../components.js";
import { fill, h, setText } from "../dom.js";
import { formatDateTime, formatDuration, formatPercent, isActive, phaseTitle, stepText } from "../format.js";
import { live } from "../live.js";
import { ImageGrid } from "./imageGrid.js";
import { LogViewer } from "./logViewer.js";

const REFRESH_MS = 1000;
// While the WebSocket is live, polling is only the safety net: the messages drive the page.
const LIVE_REFRESH_MS = 10000;
const BURST_MS = 100; // messages in a burst (a batch's log lines) lead to one read

/** `fn` once, `ms` after the last of a burst of calls. */
function debounced(fn, ms) {
  let timer = null;
  return () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      fn();
    }, ms);
  };
}
const PHASE_STATES = { done: "Done", running: "Running", waiting: "Awaiting you", paused: "Paused", pending: "Pending" };

function actionButton(label, testid, className, title) {
  return h("button", { type: "button", class: `btn ${className || ""}`.trim(), "data-testid": testid, title }, label);
}

function stat(label, value, testid, tone) {
  return h(
    "div",
    { class: `stat ${tone ? `stat-${tone}` : ""}`.trim() },
    h("dt", {}, label),
    h("dd", { "data-testid": testid }, value),
  );
}

function pair(term, value) {
  return [h("dt", {}, term), h("dd", {}, value)];
}

function phaseItem(phase, index) {
  const marker = phase.state === "done" ? "✓" : String(index + 1);
  return h(
    "li",
    { class: `phase phase-${phase.state}`, "data-testid": "job-phase", "data-state": phase.state },
    h("span", { class: "phase-marker", "aria-hidden": "true" }, marker),
    h("span", { class: "phase-name" }, phaseTitle(phase.name)),
    h("span", { class: "phase-weight", title: "Share of the progress bar" }, `${phase.weight}%`),
    h("span", { class: "phase-state" }, PHASE_STATES[phase.state] || phase.state),
  );
}

export function jobView(root, jobId) {
  const title = h("h1", { class: "job-title", "data-testid": "job-label" }, "Loading job…");
  const crumbLabel = h("span", {}, "…");
  const badge = statusBadge("", "", { class: "badge-lg", "data-testid": "job-status" });
  badge.hidden = true;
  const idText = h("span", { class: "mono", "data-testid": "job-id" }, jobId);
  const parent = h("span", { class: "job-parent", hidden: true });
  const stop = actionButton("Stop", "action-stop", "", "Finish the current image, then stop at the next checkpoint");
  const force = actionButton("Force stop", "action-force-stop", "btn-danger-outline", "Stop at once");
  const pause = actionButton("Pause", "action-pause", "", "Hold at the next checkpoint until resumed");
  const resume = actionButton("Resume", "action-resume", "", "Continue this job from its checkpoint");
  const rerun = actionButton("Rerun", "action-rerun", "btn-primary", "Start a new job from this job's configuration");
  const approve = actionButton("Approve", "action-approve", "btn-primary", "Go on with post-processing, metadata and export");
  const reject = actionButton("Reject", "action-reject", "btn-danger-outline", "Fail the job at its approval step");
  const approvalBox = h(
    "div",
    { class: "notice notice-warn approval-notice", role: "status", "data-testid": "approval-notice", hidden: true },
    h("span", {}, "This job waits for your approval. Review its images below, then approve to go on or reject to fail it. "),
    h("span", { class: "approval-actions" }, approve, reject),
  );
  const progress = progressBar({ class: "progress progress-lg", "data-testid": "job-progress" });
  const step = h("p", { class: "job-step", "data-testid": "job-step" });
  const liveBadge = h(
    "span",
    { class: "live-indicator", "data-testid": "live-indicator", title: "Updates arrive over the WebSocket as they happen", hidden: true },
    "Live",
  );
  const queue = h("p", { class: "job-queue", "data-testid": "job-queue", hidden: true });
  const phases = h("ol", { class: "phases", "data-testid": "job-phases" });
  const stats = h("dl", { class: "stats", "data-testid": "job-stats" });
  const times = h("dl", { class: "details" });
  const errorBox = h("div", { class: "notice notice-error", role: "alert", "data-testid": "job-error", hidden: true });
  const connection = h("div", { class: "notice notice-warn", role: "status", hidden: true });
  const snapshot = h("pre", { class: "code", "data-testid": "job-snapshot" });
  const current = h("pre", { class: "code" });
  const currentBlock = h(
    "details",
    { class: "config-block", hidden: true },
    h("summary", {}, "Current configuration (used by reruns)"),
    current,
  );
  const logs = new LogViewer(jobId);
  const images = new ImageGrid(jobId);
  let job = null;
  let busy = false;
  let finalRounds = 1; // after the job ends, read logs and images once more

  const header = h(
    "section",
    { class: "card job-header" },
    h(
      "div",
      { class: "job-header-top" },
      h("div", { class: "job-heading" }, h("div", { class: "job-title-row" }, title, badge), h("p", { class: "job-meta" }, "ID ", idText, parent)),
      h("div", { class: "job-actions", role: "group", "aria-label": "Job actions" }, stop, force, pause, resume, rerun),
    ),
    progress,
    h("div", { class: "job-step-row" }, step, queue, liveBadge),
  );

  fill(
    root,
    h("nav", { class: "breadcrumb", "aria-label": "Breadcrumb" }, h("a", { href: "#/jobs" }, "Jobs"), h("span", { "aria-hidden": "true" }, "/"), crumbLabel),
    connection,
    header,
    approvalBox,
    errorBox,
    h(
      "div",
      { class: "job-grid" },
      h(
        "section",
        { class: "card", "aria-labelledby": "phases-title" },
        h("h2", { id: "phases-title", class: "card-title" }, "Phases"),
        phases,
      ),
      h(
        "section",
        { class: "card", "aria-labelledby": "stats-title" },
        h("h2", { id: "stats-title", class: "card-title" }, "Statistics"),
        stats,
        h("h3", { class: "card-subtitle" }, "Timing"),
        times,
      ),
    ),
    logs.element,
    images.element,
    h(
      "section",
      { class: "card", "aria-labelledby": "config-title" },
      h("h2", { id: "config-title", class: "card-title" }, "Configuration"),
      h(
        "details",
        { class: "config-block", "data-testid": "job-config" },
        h("summary", {}, "Configuration snapshot (as run)"),
        snapshot,
      ),
      currentBlock,
    ),
  );

  function render(data) {
    job = data;
    document.title = `${job.label} · Image Factory`;
    setText(title, job.label || job.id);
    setText(crumbLabel, job.label || job.id);
    badge.hidden = false;
    updateStatusBadge(badge, job.status, job.status_label);
    if (job.parent_id) {
      fill(parent, " · Rerun of ", h("a", { href: `#/jobs/${encodeURIComponent(job.parent_id)}` }, job.parent_id.slice(0, 8)));
      parent.hidden = false;
    }
    updateProgress(progress, job.progress, job.status);
    setText(step, stepText(job) || job.status_label);
    queue.hidden = !(job.status === "queued" && job.queue_position);
    if (!queue.hidden) {
      setText(queue, `Position ${job.queue_position} in the queue: jobs run one at a time, in order.`);
    }

    fill(phases, job.phases.length ? job.phases.map(phaseItem) : h("li", { class: "muted" }, "No phase plan yet."));
    const s = job.statistics;
    fill(
      stats,
      stat("Total images", s.total, "stat-total"),
      stat("Successful", s.successful, "stat-successful", "ok"),
      stat("Failed", s.failed, "stat-failed", s.failed ? "bad" : ""),
      // Successful / planned: meaningful once the job has ended.
      stat("Success rate", isActive(job.status) ? "—" : formatPercent(s.success_rate), "stat-rate"),
    );
    fill(
      times,
      pair("Created", formatDateTime(job.created_at)),
      job.scheduled_at ? pair("Scheduled for", formatDateTime(job.scheduled_at)) : null,
      pair("Started", formatDateTime(job.started_at)),
      pair("Finished", formatDateTime(job.finished_at)),
      pair("Duration", formatDuration(job.duration_s)),
      job.attempt > 1 ? pair("Attempt", String(job.attempt)) : null,
    );
    errorBox.hidden = !job.error;
    setText(errorBox, job.error ? `Error: ${job.error}` : "");
    setText(snapshot, JSON.stringify(job.snapshot, null, 2));
    const currentText = job.config ? JSON.stringify(job.config, null, 2) : "";
    currentBlock.hidden = !currentText || currentText === snapshot.textContent;
    setText(current, currentText);
    images.setTotals(job.images_ok, job.images_planned);
    updateActions();
  }

  function updateActions() {
    if (!job) return;
    const status = job.status;
    const active = isActive(status);
    const stopping = job.control === "stop" || job.control === "force";
    const pausing = job.control === "pause" && status === "running";
    stop.disabled = busy || !active || stopping;
    setText(stop, stopping && active ? "Stopping…" : "Stop");
    force.disabled = busy || !active;
    pause.disabled = busy || status !== "running" || Boolean(job.control);
    setText(pause, pausing ? "Pausing…" : "Pause");
    const resumable = status === "paused" || pausing || ((status === "failed" || status === "cancelled") && job.phases.length > 0);
    resume.disabled = busy || !resumable;
    rerun.disabled = busy || !job.config_id;
    const waiting = status === "waiting_for_approval";
    approvalBox.hidden = !waiting;
    approve.disabled = busy || !waiting || Boolean(job.control);
    reject.disabled = busy || !waiting || Boolean(job.control);
  }

  async function act(action, doneMessage, body) {
    busy = true;
    updateActions();
    try {
      const { job: result } = await api.jobAction(jobId, action, body);
      if (action === "rerun") {
        toast(`Rerun started: ${result.label}`, "success");
        window.location.hash = `#/jobs/${encodeURIComponent(result.id)}`;
        return;
      }
      toast(doneMessage, "info");
    } catch (err) {
      if (err.status !== 401) toast(err.message, "error");
    } finally {
      busy = false;
      updateActions();
    }
    finalRounds = 1;
    poller.kick();
  }

  stop.addEventListener("click", () => act("stop", "Stop requested: the current image finishes first"));
  force.addEventListener("click", async () => {
    const confirmed = await confirmAction({
      title: "Force stop this job?",
      body:
        "Force stop ends the job at once: its execution is stopped without waiting for the current " +
        "image, work in progress is discarded and the job ends as Cancelled. Use Stop to finish the " +
        "current image first.",
      confirmLabel: "Force stop",
      danger: true,
    });
    if (confirmed) act("force-stop", "Job force stopped");
  });
  pause.addEventListener("click", () => act("pause", "Pause requested: the job holds at the next checkpoint"));
  resume.addEventListener("click", () => act("resume", "Resume requested"));
  rerun.addEventListener("click", () => act("rerun"));
  approve.addEventListener("click", () => act("approve", "Approved: the job goes on"));
  reject.addEventListener("click", async () => {
    const answer = await confirmAction({
      title: "Reject this job?",
      body: "The job fails at its approval step; its images stay as they are. Resume brings it back to this step.",
      confirmLabel: "Reject",
      danger: true,
      reasonLabel: "Reason (optional, shown as the job's error)",
    });
    if (answer) act("reject", "Rejected: the job fails at its approval step", answer.reason ? { reason: answer.reason } : {});
  });

  const tick = async () => {
    let data;
    try {
      data = (await api.getJob(jobId)).job;
    } catch (err) {
      if (err.status === 401) throw err;
      if (err.status === 404) {
        fill(
          root,
          errorNotice(`Job ${jobId} was not found. It may have been deleted.`, { "data-testid": "job-not-found" }),
          h("p", {}, h("a", { href: "#/jobs", class: "link" }, "← Back to jobs")),
        );
        return false;
      }
      connection.hidden = false;
      setText(connection, `Lost contact with the API (${err.message}); retrying…`);
      return true;
    }
    connection.hidden = true;
    render(data);
    await Promise.allSettled([logs.poll(), images.refresh()]);
    if (isActive(data.status)) {
      finalRounds = 1;
      return true;
    }
    if (finalRounds > 0) {
      finalRounds -= 1;
      return true;
    }
    return false;
  };

  const poller = new Poller(tick, REFRESH_MS);
  const readLogs = debounced(() => logs.poll().catch(() => {}), BURST_MS);
  const readImages = debounced(() => images.refresh().catch(() => {}), BURST_MS);
  const onMessage = (message) => {
    if (message.type === "progress" && job && isActive(job.status)) {
      job = { ...job, progress: Math.max(job.progress || 0, message.progress), step: message.step || job.step };
      updateProgress(progress, job.progress, job.status);
      setText(step, stepText(job) || job.status_label);
    } else if (message.type === "log") {
      readLogs(); // in order and at the chosen level, from where the log stands
    } else if (message.type === "image") {
      readImages();
    } else if (message.type === "status") {
      poller.kick();
    }
  };
  const unsubscribe = live.subscribe(jobId, onMessage);
  const stopWatching = live.onState((state) => {
    liveBadge.hidden = state !== "live";
    poller.intervalMs = state === "live" ? LIVE_REFRESH_MS : REFRESH_MS;
    if (state === "live") poller.kick(); // catch up on what happened before the subscription
  });
  poller.kick();
  return () => {
    poller.stop();
    unsubscribe();
    stopWatching();
  };
}
