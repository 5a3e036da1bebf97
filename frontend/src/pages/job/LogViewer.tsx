// A job's log: Standard / Debug, the whole history by pages of sequence numbers ("Load earlier
// lines"), following new lines while the user is at the bottom (scrolling up pauses it), copy
// and download as a text file.

import { useEffect, useLayoutEffect, useRef, useState } from "react";

import type { LogLine } from "../../api/client";
import { ErrorAlert } from "../../components/ErrorAlert";
import { useToast } from "../../components/Toasts";
import { formatClock } from "../../lib/format";
import { useJobLogs, type LogLevel } from "../../queries/useJobLogs";

const NEAR_BOTTOM_PX = 40;

export function logText(line: LogLine): string {
  return `[${formatClock(line.time)}] ${line.message}`;
}

type Props = { jobId: string; label: string; pollMs: number | false };

export function LogViewer({ jobId, label, pollMs }: Props) {
  const [level, setLevel] = useState<LogLevel>("standard");
  const logs = useJobLogs(jobId, level, pollMs);
  const lines = logs.data?.lines ?? [];
  const output = useRef<HTMLDivElement>(null);
  const [following, setFollowing] = useState(true);
  const toast = useToast();

  useLayoutEffect(() => {
    const el = output.current;
    if (el && following) el.scrollTop = el.scrollHeight;
  }, [lines.length, following]);
  useEffect(() => {
    setFollowing(true);
  }, [level]);

  const onScroll = () => {
    const el = output.current;
    if (!el) return;
    setFollowing(el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_BOTTOM_PX);
  };

  const text = () => lines.map(logText).join("\n");
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text());
      toast(`Copied ${lines.length} log line${lines.length === 1 ? "" : "s"}`, "success");
    } catch {
      toast("Could not copy: select the log text and copy it by hand", "error");
    }
  };
  const download = () => {
    const blob = new Blob([`${text()}\n`], { type: "text/plain;charset=utf-8" });
    const link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = `${label.replace(/[^\w.-]+/g, "_") || jobId}-${level}.log`;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  };

  return (
    <section className="card card-log" aria-labelledby="logs-title">
      <div className="card-head">
        <h2 id="logs-title" className="card-title">
          Logs
        </h2>
        <div className="card-tools">
          <div className="segmented" role="radiogroup" aria-label="Log level" data-testid="log-level">
            {(["standard", "debug"] as const).map((value) => (
              <span className="segment" key={value}>
                <input
                  type="radio"
                  name="log-level"
                  id={`log-level-${value}`}
                  value={value}
                  checked={level === value}
                  onChange={() => setLevel(value)}
                />
                <label htmlFor={`log-level-${value}`}>{value === "standard" ? "Standard" : "Debug"}</label>
              </span>
            ))}
          </div>
          <button type="button" className="btn btn-sm" data-testid="copy-logs" onClick={() => void copy()} disabled={!lines.length}>
            Copy logs
          </button>
          <button type="button" className="btn btn-sm" data-testid="download-logs" onClick={download} disabled={!lines.length}>
            Download
          </button>
        </div>
      </div>
      <ErrorAlert error={logs.error} />
      <div
        ref={output}
        className="log-output"
        role="log"
        aria-live="off"
        aria-label="Job log"
        tabIndex={0}
        data-testid="log-output"
        onScroll={onScroll}
      >
        {logs.data?.hasEarlier ? (
          <button type="button" className="btn btn-sm log-earlier" data-testid="logs-earlier" disabled={logs.loadingEarlier} onClick={() => void logs.loadEarlier()}>
            {logs.loadingEarlier ? "Loading…" : "Load earlier lines"}
          </button>
        ) : null}
        {lines.length === 0 ? <p className="log-empty">{logs.isLoading ? "Loading…" : "No log lines yet."}</p> : null}
        {lines.map((line) => (
          <div key={line.seq} className={`log-line log-${line.level === "debug" ? "debug" : "standard"}`} data-testid="log-line" data-seq={line.seq}>
            <span className="log-time">[{formatClock(line.time)}]</span> <span className="log-message">{line.message}</span>
          </div>
        ))}
      </div>
      {!following && lines.length ? (
        <div className="card-foot">
          <span className="muted" data-testid="follow-paused">
            Following paused while you read.
          </span>{" "}
          <button type="button" className="btn btn-sm" onClick={() => setFollowing(true)} data-testid="follow-resume">
            Jump to latest
          </button>
        </div>
      ) : null}
    </section>
  );
}
