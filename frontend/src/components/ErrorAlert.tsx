// An error as an alert: the API's message (never a stack trace), with an optional retry.

import { errorMessage } from "../api/errors";

type Props = { error: unknown; testId?: string; onRetry?: () => void };

export function ErrorAlert({ error, testId, onRetry }: Props) {
  if (!error) return null;
  return (
    <div className="notice notice-error" role="alert" data-testid={testId}>
      {errorMessage(error)}
      {onRetry ? (
        <>
          {" "}
          <button type="button" className="btn btn-sm" onClick={onRetry}>
            Try again
          </button>
        </>
      ) : null}
    </div>
  );
}
