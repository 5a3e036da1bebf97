// A progress bar with its percentage as text.

type Props = { value: number | null | undefined; status?: string; size?: "lg"; testId?: string };

export function ProgressBar({ value, status, size, testId }: Props) {
  const percent = Math.max(0, Math.min(100, Math.round(Number(value) || 0)));
  return (
    <div
      className={size ? `progress progress-${size}` : "progress"}
      data-testid={testId}
      data-status={status ?? ""}
      data-value={percent}
    >
      <div
        className="progress-track"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-label="Progress"
      >
        <div className="progress-fill" style={{ width: `${percent}%` }} />
      </div>
      <span className="progress-value" data-testid="progress-value">
        {percent}%
      </span>
    </div>
  );
}
