// A status as a coloured badge, with the one label every view uses (lib/status).

import { statusLabel } from "../lib/status";

type Props = { status: string; size?: "sm" | "lg"; testId?: string };

export function StatusBadge({ status, size, testId = "status-badge" }: Props) {
  const safe = status.replace(/[^a-z_]/g, "") || "unknown";
  const className = ["badge", size ? `badge-${size}` : "", `badge-${safe}`].filter(Boolean).join(" ");
  return (
    <span className={className} data-testid={testId} data-status={safe}>
      {statusLabel(status)}
    </span>
  );
}
