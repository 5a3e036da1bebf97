// The workspace's job statistics (seed 001): read again when a job's status changes.

import { ErrorAlert } from "../../components/ErrorAlert";
import { formatDuration, formatPercent } from "../../lib/format";
import { useStats } from "../../queries/useStats";

export function StatsPanel() {
  const stats = useStats();
  if (stats.error && !stats.data) return <ErrorAlert error={stats.error} />;
  const data = stats.data;
  const items: [string, string, string][] = [
    ["total", "Total jobs", data ? String(data.total) : "…"],
    ["success", "Success rate", data ? (data.success_rate === null ? "—" : formatPercent(data.success_rate)) : "…"],
    ["duration", "Average duration", data ? (data.average_duration_s === null ? "—" : formatDuration(data.average_duration_s)) : "…"],
    ["images", "Total images", data ? String(data.total_images) : "…"],
  ];
  return (
    <section className="dash-stats" aria-label="Job statistics" data-testid="stats">
      {items.map(([id, label, value]) => (
        <div key={id} className="dash-stat" data-testid={`stat-${id}`}>
          <span className="dash-stat-value">{value}</span>
          <span className="dash-stat-label">{label}</span>
        </div>
      ))}
    </section>
  );
}
