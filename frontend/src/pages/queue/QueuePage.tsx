// #/queue: every queued job in run order (position, label, images, estimated start), live;
// reorder by drag or keyboard, cancel one or many; scheduled jobs below.

import { errorMessage } from "../../api/errors";
import { EmptyState } from "../../components/EmptyState";
import { useToast } from "../../components/Toasts";
import { useIdSet } from "../../hooks/useIdSet";
import { useTitle } from "../../hooks/useTitle";
import { useLiveJob } from "../../live/liveCache";
import { useCancelQueued, useMoveJob, useQueue } from "../../queries/useQueue";
import { QueueList } from "./QueueList";
import { ScheduledList } from "./ScheduledList";

export function QueuePage() {
  useTitle("Queue");
  useLiveJob("*");
  const toast = useToast();
  const queue = useQueue();
  const move = useMoveJob();
  const cancel = useCancelQueued();
  const { ids: selected, toggle, clear } = useIdSet();
  const onMove = (jobId: string, to: number) =>
    move.mutate({ jobId, to }, { onError: (error) => toast(errorMessage(error), "error") });
  const onCancel = (ids: string[]) =>
    cancel.mutate(ids, {
      onSuccess: (answer) => {
        clear();
        toast(`${answer.cancelled.length} job(s) cancelled`, "success");
      },
      onError: (error) => toast(errorMessage(error), "error"),
    });
  const data = queue.data;
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Queue</h1>
          <p className="subtitle">Jobs run one at a time, top first. Drag a row, or focus its handle and use Space and the arrow keys.</p>
        </div>
        <button
          type="button"
          className="btn"
          data-testid="cancel-selected"
          disabled={!selected.size || cancel.isPending}
          onClick={() => onCancel([...selected])}
        >
          Cancel selected ({selected.size})
        </button>
      </div>
      <section className="card" aria-labelledby="running-title">
        <h2 id="running-title" className="card-title">
          Running now
        </h2>
        {data?.running ? (
          <a href={`#/jobs/${encodeURIComponent(data.running.id)}`} data-testid="queue-running">
            {data.running.label}
          </a>
        ) : (
          <p className="field-hint">Nothing is running.</p>
        )}
      </section>
      <section className="card" aria-labelledby="queue-title">
        <h2 id="queue-title" className="card-title">
          Waiting ({data?.total ?? 0})
        </h2>
        {queue.error ? <p className="notice notice-error">{errorMessage(queue.error)}</p> : null}
        {!data ? (
          <p className="loading">Loading…</p>
        ) : data.items.length ? (
          <QueueList items={data.items} onMove={onMove} selected={selected} onToggle={toggle} onCancel={(id) => onCancel([id])} />
        ) : (
          <EmptyState title="The queue is empty">New jobs wait here while another one runs.</EmptyState>
        )}
      </section>
      {data?.scheduled.length ? (
        <section className="card" aria-labelledby="scheduled-title">
          <h2 id="scheduled-title" className="card-title">
            Scheduled ({data.scheduled.length})
          </h2>
          <p className="field-hint">Each joins the end of the queue at its time.</p>
          <ScheduledList jobs={data.scheduled} onCancel={(id) => onCancel([id])} busy={cancel.isPending} />
        </section>
      ) : null}
    </>
  );
}
