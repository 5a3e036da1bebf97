// The job's settings, grouped and readable: what it ran with (the snapshot, read-only) beside what
// a rerun would use now (the current settings), each difference marked.

import type { JobDetail } from "../../api/client";
import { compareSettings, countDifferences, displayValue, type Config } from "../../lib/settingsFields";

type Props = { job: JobDetail; onEdit?: () => void };

export function SettingsOverview({ job, onEdit }: Props) {
  const snapshot = (job.snapshot ?? null) as Config | null;
  const current = (job.config ?? null) as Config | null;
  const groups = compareSettings(snapshot, current);
  const differences = countDifferences(snapshot, current);
  return (
    <section className="card" aria-labelledby="settings-title" data-testid="job-settings">
      <div className="card-head">
        <h2 id="settings-title" className="card-title">
          Settings
        </h2>
        {onEdit ? (
          <button type="button" className="btn btn-sm" onClick={onEdit} data-testid="edit-settings" disabled={!job.config_id}>
            Edit
          </button>
        ) : null}
      </div>
      <p className="muted" data-testid="settings-summary">
        {current
          ? differences
            ? `${differences} setting${differences === 1 ? "" : "s"} changed since this job ran: a rerun would use the current value${differences === 1 ? "" : "s"} (marked).`
            : "A rerun would use the same settings this job ran with."
          : "This job has no stored settings to rerun."}{" "}
        Edits affect future reruns only, never this job or its images.
      </p>
      <table className="table settings-table" tabIndex={0} aria-label="Settings as run and current">
        <thead>
          <tr>
            <th scope="col">Setting</th>
            <th scope="col">As run</th>
            {current ? <th scope="col">Current (for reruns)</th> : null}
          </tr>
        </thead>
        {groups.map(({ section, rows }) => (
          <tbody key={section.id} data-testid={`settings-${section.id}`}>
            <tr className="settings-group">
              <th scope="rowgroup" colSpan={current ? 3 : 2}>
                {section.title}
              </th>
            </tr>
            {rows.map((row) => (
              <tr
                key={row.field.path}
                className={row.differs ? "setting-differs" : undefined}
                data-testid={row.differs ? "setting-diff" : "setting-row"}
                data-path={row.field.path}
              >
                <th scope="row">{row.field.label}</th>
                <td data-testid="as-run">{displayValue(row.field, row.asRun)}</td>
                {current ? (
                  <td data-testid="current">
                    {displayValue(row.field, row.current)}
                    {row.differs ? <span className="diff-mark"> · changed</span> : null}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        ))}
      </table>
    </section>
  );
}
