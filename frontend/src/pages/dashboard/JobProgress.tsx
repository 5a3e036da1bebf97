// The current job's progress bar and generation count, under seed 001's rules (progressRules).

import { useRef } from "react";

import { jobLabel } from "../../lib/jobLabel";
import { progressView, type ProgressJob } from "./progressRules";

type Props = {
  job: ProgressJob & { id: string; label: string; parent_id?: string | null; attempt?: number | null };
  phases: readonly { name: string }[] | null;
};

export function JobProgress({ job, phases }: Props) {
  const ruled = progressView({ ...job, phases });
  // Reads race (a list refetch, a detail refetch, a pushed message): the bar never goes back
  // within one attempt of a job.
  const high = useRef({ key: "", value: 0 });
  const key = `${job.id}:${job.attempt ?? 1}`;
  if (high.current.key !== key) high.current = { key, value: 0 };
  high.current.value = Math.max(high.current.value, ruled.percent);
  const view = { ...ruled, percent: high.current.value };
  return (
    <>
      <div className="progress progress-lg" data-testid="current-progress" data-value={view.percent}>
        <div
          className="progress-track"
          role="progressbar"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={view.percent}
          aria-valuetext={`${view.percent}%, ${view.count}`}
          aria-label={`Progress of ${jobLabel({ id: job.id, label: job.label, parent_id: job.parent_id ?? null })}`}
        >
          <div className="progress-fill" style={{ width: `${view.percent}%` }} />
        </div>
        <span className="progress-value" data-testid="current-percent">
          {view.percent}%
        </span>
      </div>
      <p className="progress-count" aria-live="polite" data-testid="current-count">
        {view.count}
        {view.note ? <span className="field-hint"> · {view.note}</span> : null}
      </p>
    </>
  );
}
