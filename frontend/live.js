// Live updates over the WebSocket API (SPEC §6): one connection for the whole console, opened
// with the bearer token; views subscribe to a job and get its `log`, `progress`, `status` and
// `image` messages as they happen. Polling stays as the safety net: a view polls fast while the
// connection is down and slowly while it is live.

import { api, getToken } from "./api.js";

const RETRY_MS = [1000, 2000, 5000, 10000, 30000];

class LiveConnection {
  constructor() {
    this.socket = null;
    this.handlers = new Map(); // job id → Set of handlers
    this.stateHandlers = new Set();
    this.state = "offline"; // "connecting" | "live" | "offline" | "unavailable"
    this.failures = 0;
    this.retryTimer = null;
  }

  /** Call `handler(message)` for each message of the job (`"*"`: of every job of the
   * workspace); returns the unsubscribe function. */
  subscribe(jobId, handler) {
    if (!this.handlers.has(jobId)) {
      this.handlers.set(jobId, new Set());
      this.send({ action: "subscribe", job_id: jobId });
    }
    this.handlers.get(jobId).add(handler);
    this.connect();
    return () => {
      const set = this.handlers.get(jobId);
      if (!set) return;
      set.delete(handler);
      if (set.size === 0) {
        this.handlers.delete(jobId);
        this.send({ action: "unsubscribe", job_id: jobId });
      }
    };
  }

  /** Call `handler(state)` now and on every change of the connection's state. */
  onState(handler) {
    this.stateHandlers.add(handler);
    handler(this.state);
    return () => this.stateHandlers.delete(handler);
  }

  setState(state) {
    if (state === this.state) return;
    this.state = state;
    for (const handler of this.stateHandlers) handler(state);
  }

  send(message) {
    if (this.socket && this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  async connect() {
    if (this.socket || this.retryTimer || this.state === "connecting" || this.state === "unavailable") return;
    const token = getToken();
    if (!token) return;
    this.setState("connecting");
    let url;
    try {
      url = (await api.health()).websocket_url;
    } catch {
      this.retryLater();
      return;
    }
    if (!url) {
      this.setState("unavailable"); // this deployment has no WebSocket API: polling only
      return;
    }
    const socket = new WebSocket(`${url}${url.includes("?") ? "&" : "?"}token=${encodeURIComponent(token)}`);
    this.socket = socket;
    socket.addEventListener("open", () => {
      this.failures = 0;
      for (const jobId of this.handlers.keys()) this.send({ action: "subscribe", job_id: jobId });
      this.setState("live");
    });
    socket.addEventListener("message", (event) => this.dispatch(event.data));
    socket.addEventListener("close", () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.retryLater();
    });
  }

  retryLater() {
    this.setState("offline");
    if (this.handlers.size === 0) return; // reconnect when somebody subscribes again
    const delay = RETRY_MS[Math.min(this.failures, RETRY_MS.length - 1)];
    this.failures += 1;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
  }

  dispatch(data) {
    let message;
    try {
      message = JSON.parse(data);
    } catch {
      return;
    }
    if (!message || !message.job_id) return; // replies to our own requests (`subscribed`, `error`)
    for (const key of [message.job_id, "*"]) {
      for (const handler of this.handlers.get(key) || []) handler(message);
    }
  }
}

export const live = new LiveConnection();

/**
 * Keep a list view current: while the connection is live, a job's status or progress message
 * refreshes the view (at most every `throttleMs`) and polling slows to `liveMs`; otherwise it
 * polls every `offlineMs`. Returns the cleanup.
 */
export function followAllJobs(poller, { offlineMs, liveMs = 15000, throttleMs = 500 }) {
  let timer = null;
  const unsubscribe = live.subscribe("*", (message) => {
    if ((message.type !== "status" && message.type !== "progress") || timer) return;
    timer = setTimeout(() => {
      timer = null;
      poller.kick();
    }, throttleMs);
  });
  const stopWatching = live.onState((state) => {
    poller.intervalMs = state === "live" ? liveMs : offlineMs;
  });
  return () => {
    clearTimeout(timer);
    unsubscribe();
    stopWatching();
  };
}
