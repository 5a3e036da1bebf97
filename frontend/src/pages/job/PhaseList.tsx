// The job's phases in plan order, each with its state and share of the progress bar.

import type { JobDetail } from "../../api/client";
import { phaseTitle } from "../../lib/format";

const PHASE_STATES: Record<string, string> = {
  done: "Done",
  running: "Running",
  waiting: "Awaiting you",
  paused: "Paused",
  pending: "Pending",
};

export function PhaseList({ phases }: { phases: JobDetail["phases"] }) {
  return (
    <ol className="phases" data-testid="job-phases">
      {phases.length === 0 ? <li className="muted">No phase plan yet.</li> : null}
      {phases.map((phase, index) => (
        <li key={`${phase.name}-${index}`} className={`phase phase-${phase.state}`} data-testid="job-phase" data-state={phase.state}>
          <span className="phase-marker" aria-hidden="true">
            {phase.state === "done" ? "✓" : String(index + 1)}
          </span>
          <span className="phase-name">{phaseTitle(phase.name)}</span>
          <span className="phase-weight" title="Share of the progress bar">
            {phase.weight}%
          </span>
          <span className="phase-state">{PHASE_STATES[phase.state] ?? phase.state}</span>
        </li>
      ))}
    </ol>
  );
}
