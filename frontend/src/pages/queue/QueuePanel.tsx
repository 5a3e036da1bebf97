// The dashboard's queue, compactly (seed 001: how many wait, which one is next, each one's place):
// the next jobs in run order, reorderable by drag or keyboard and cancellable, the scheduled jobs,
// and a link to the whole queue (#/queue). It reads the queue as the dashboard's current job does
// (one GET /api/queue), so a job is never missing from both.

import { errorMessage } from "../../api/errors";
import { useToast } from "../../components/Toasts";
import { useCancelQueued, useMoveJob, useQueue } from "../../queries/useQueue";
import { QueueList } from "./QueueList";
import { ScheduledList } from "./ScheduledList";

const SHOWN = 5;

export function QueuePanel() {
  const toast = useToast();
  const queue = useQueue();
  const move = useMoveJob();
  const cancel = useCancelQueued();
  const data = queue.data;
  const items = data?.items ?? [];
  const scheduled = data?.scheduled ?? [];
  const total = data?.total ?? 0;
  const next = items[0];
  const onCancel = (jobId: string) =>
    cancel.mutate([jobId], {
      onSuccess: (answer) =>
        answer.refused.length ? toast(`Not cancelled: ${String(answer.refused[0]?.error?.message ?? "")}`, "error") : toast("Cancelled", "success"),
      onError: (error) => toast(errorMessage(error), "error"),
    });
  return (
    <section className="card queue-panel" aria-labelledby="queue-panel-title" data-testid="queue-panel" data-count={total + scheduled.length}>
      <div className="card-head">
        <h2 id="queue-panel-title" className="card-title">
          Queue
        </h2>
        <p className="queue-summary" aria-live="polite">
          <strong data-testid="queue-queued">{total}</strong> queued · <strong data-testid="queue-scheduled">{scheduled.length}</strong> scheduled
          {next ? (
            <span className="queue-next" data-testid="queue-next">
              {" "}
              · Next up: {next.label} (position {next.position})
            </span>
          ) : null}
        </p>
        <a href="#/queue" className="link" data-testid="queue-link">
          Whole queue →
        </a>
      </div>
      {queue.error ? <p className="notice notice-error">{errorMessage(queue.error)}</p> : null}
      {items.length ? (
        <QueueList
          compact
          items={items.slice(0, SHOWN)}
          onMove={(jobId, to) => move.mutate({ jobId, to }, { onError: (error) => toast(errorMessage(error), "error") })}
          onCancel={onCancel}
        />
      ) : null}
      {total > SHOWN ? <p className="field-hint">{total - SHOWN} more in the whole queue.</p> : null}
      {scheduled.length ? <ScheduledList jobs={scheduled.slice(0, SHOWN)} onCancel={onCancel} busy={cancel.isPending} /> : null}
      {data && !total && !scheduled.length ? (
        <p className="field-hint" data-testid="queue-empty">
          No job is waiting: a job started while another runs waits here, in order.
        </p>
      ) : null}
    </section>
  );
}
