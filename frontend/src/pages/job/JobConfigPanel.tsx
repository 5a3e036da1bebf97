// The job's settings: the snapshot it ran with, and the current settings a rerun would use.

import type { JobDetail } from "../../api/client";

export function JobConfigPanel({ job }: { job: JobDetail }) {
  const snapshot = JSON.stringify(job.snapshot ?? null, null, 2);
  const current = job.config ? JSON.stringify(job.config, null, 2) : "";
  return (
    <section className="card" aria-labelledby="config-title">
      <h2 id="config-title" className="card-title">
        Configuration
      </h2>
      <details className="config-block" data-testid="job-config">
        <summary>Configuration snapshot (as run)</summary>
        <pre className="code" data-testid="job-snapshot">
          {snapshot}
        </pre>
      </details>
      {current && current !== snapshot ? (
        <details className="config-block">
          <summary>Current configuration (used by reruns)</summary>
          <pre className="code">{current}</pre>
        </details>
      ) : null}
    </section>
  );
}
