// One WebSocket connection for the whole console, opened with the bearer token. Subscribers get a
// job's `log`, `progress`, `status` and `image` messages as they happen ("*": every job of the
// workspace). It reconnects with back-off; while it is down, queries poll fast (see liveCache).

import { api, unwrap } from "../api/client";
import { getToken } from "../api/auth";

export type LiveState = "connecting" | "live" | "offline" | "unavailable";

export interface LiveMessage {
  type: "log" | "progress" | "status" | "image" | string;
  job_id: string;
  status?: string;
  step?: string | null;
  progress?: number;
  seq?: number;
  [key: string]: unknown;
}

type Handler = (message: LiveMessage) => void;
type StateHandler = (state: LiveState) => void;

const RETRY_MS = [1000, 2000, 5000, 10000, 30000];

export class LiveConnection {
  private socket: WebSocket | null = null;
  private readonly handlers = new Map<string, Set<Handler>>();
  private readonly stateHandlers = new Set<StateHandler>();
  private failures = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  state: LiveState = "offline";

  /** Call `handler` for each message of the job ("*": of every job); returns the unsubscribe. */
  subscribe(jobId: string, handler: Handler): () => void {
    let set = this.handlers.get(jobId);
    if (!set) {
      set = new Set();
      this.handlers.set(jobId, set);
      this.send({ action: "subscribe", job_id: jobId });
    }
    set.add(handler);
    void this.connect();
    return () => {
      const current = this.handlers.get(jobId);
      if (!current) return;
      current.delete(handler);
      if (current.size === 0) {
        this.handlers.delete(jobId);
        this.send({ action: "unsubscribe", job_id: jobId });
      }
    };
  }

  /** Call `handler(state)` now and on every change of the connection's state. */
  onState(handler: StateHandler): () => void {
    this.stateHandlers.add(handler);
    handler(this.state);
    return () => {
      this.stateHandlers.delete(handler);
    };
  }

  private setState(state: LiveState): void {
    if (state === this.state) return;
    this.state = state;
    for (const handler of this.stateHandlers) handler(state);
  }

  private send(message: object): void {
    if (this.socket && this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  private async connect(): Promise<void> {
    if (this.socket || this.retryTimer || this.state === "connecting" || this.state === "unavailable") return;
    const token = getToken();
    if (!token) return;
    this.setState("connecting");
    let url: string | null;
    try {
      url = unwrap(await api.GET("/api/health")).websocket_url;
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
    socket.addEventListener("message", (event: MessageEvent<string>) => this.dispatch(event.data));
    socket.addEventListener("close", () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.retryLater();
    });
  }

  private retryLater(): void {
    this.setState("offline");
    if (this.handlers.size === 0) return; // reconnect when somebody subscribes again
    const delay = RETRY_MS[Math.min(this.failures, RETRY_MS.length - 1)];
    this.failures += 1;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connect();
    }, delay);
  }

  /** Hand one message to the job's subscribers and to those of every job. */
  dispatch(data: string): void {
    let message: LiveMessage;
    try {
      message = JSON.parse(data) as LiveMessage;
    } catch {
      return;
    }
    if (!message || typeof message.job_id !== "string") return; // replies (`subscribed`, `error`)
    for (const key of [message.job_id, "*"]) {
      for (const handler of this.handlers.get(key) ?? []) handler(message);
    }
  }
}

export const live = new LiveConnection();
