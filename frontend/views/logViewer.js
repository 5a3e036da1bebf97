// A job's live log: polls GET /api/jobs/{id}/logs?since=…&level=…, appends "[HH:MM:SS] message".

import { api } from "../api.js";
import { toast } from "../components.js";
import { h } from "../dom.js";
import { formatClock } from "../format.js";

const PAGE = 500; // the API's default page of log lines
const NEAR_BOTTOM_PX = 40;

export class LogViewer {
  constructor(jobId) {
    this.jobId = jobId;
    this.level = "standard";
    this.next = 0;
    this.lines = [];
    this.generation = 0; // bumps on a level switch so a late answer for the old level is dropped

    this.output = h("div", {
      class: "log-output",
      role: "log",
      "aria-live": "off",
      "aria-label": "Job log",
      tabindex: "0",
      "data-testid": "log-output",
    });
    this.placeholder = h("p", { class: "log-empty" }, "No log lines yet.");
    this.output.append(this.placeholder);

    const radios = ["standard", "debug"].map((level) => {
      const id = `log-level-${level}`;
      const input = h("input", { type: "radio", name: "log-level", id, value: level, checked: level === this.level });
      input.addEventListener("change", () => this.setLevel(level));
      return h("span", { class: "segment" }, input, h("label", { for: id }, level === "standard" ? "Standard" : "Debug"));
    });
    const toggle = h(
      "div",
      { class: "segmented", role: "radiogroup", "aria-label": "Log level", "data-testid": "log-level" },
      radios,
    );
    const copy = h("button", { type: "button", class: "btn btn-sm", "data-testid": "copy-logs" }, "Copy logs");
    copy.addEventListener("click", () => this.copy());

    this.element = h(
      "section",
      { class: "card card-log", "aria-labelledby": "logs-title" },
      h(
        "div",
        { class: "card-head" },
        h("h2", { id: "logs-title", class: "card-title" }, "Logs"),
        h("div", { class: "card-tools" }, toggle, copy),
      ),
      this.output,
    );
  }

  setLevel(level) {
    if (level === this.level) return;
    this.level = level;
    this.generation += 1;
    this.next = 0;
    this.lines = [];
    this.output.replaceChildren(this.placeholder);
    this.poll().catch(() => {});
  }

  /** Fetch every line after the last one shown. */
  async poll() {
    const generation = this.generation;
    for (;;) {
      const page = await api.jobLogs(this.jobId, { since: this.next, level: this.level });
      if (generation !== this.generation) return;
      this.append(page.lines);
      this.next = Math.max(this.next, page.next || 0);
      if (page.lines.length < PAGE) return;
    }
  }

  append(lines) {
    const fresh = lines.filter((line) => line.seq > this.next);
    if (!fresh.length) return;
    const out = this.output;
    const nearBottom = out.scrollHeight - out.scrollTop - out.clientHeight < NEAR_BOTTOM_PX;
    if (this.placeholder.isConnected) this.placeholder.remove();
    const fragment = document.createDocumentFragment();
    for (const line of fresh) {
      const text = `[${formatClock(line.time)}] ${line.message}`;
      this.lines.push(text);
      fragment.append(
        h(
          "div",
          { class: `log-line log-${line.level === "debug" ? "debug" : "standard"}`, "data-testid": "log-line" },
          h("span", { class: "log-time" }, `[${formatClock(line.time)}]`),
          " ",
          h("span", { class: "log-message" }, line.message),
        ),
      );
    }
    out.append(fragment);
    if (nearBottom) out.scrollTop = out.scrollHeight;
  }

  async copy() {
    const text = this.lines.join("\n");
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      const area = h("textarea", { class: "offscreen", readonly: true });
      area.value = text;
      document.body.append(area);
      area.select();
      const ok = document.execCommand("copy");
      area.remove();
      if (!ok) {
        toast("Could not copy: select the log text and copy it by hand", "error");
        return;
      }
    }
    toast(`Copied ${this.lines.length} log line${this.lines.length === 1 ? "" : "s"}`, "success");
  }
}
