// A compact queue for the dashboard: the next jobs in run order, reorderable, with a link to #/queue.

import { errorMessage } from "../../api/errors";
import { useToast } from "../../components/Toasts";
import { useMoveJob, useQueue } from "../../queries/useQueue";
import { QueueList } from "./QueueList";

const SHOWN = 5;

export function QueuePanel() {
  const toast = useToast();
  const queue = useQueue();
  const move = useMoveJob();
  const items = queue.data?.items ?? [];
  return (
    <section className="card" aria-labelledby="queue-panel-title" data-testid="queue-panel">
      <div className="card-head">
        <h2 id="queue-panel-title" className="card-title">
          Queue ({queue.data?.total ?? 0})
        </h2>
        <a href="#/queue" className="link">
          Queue →
        </a>
      </div>
      {items.length ? (
        <QueueList
          compact
          items={items.slice(0, SHOWN)}
          onMove={(jobId, to) => move.mutate({ jobId, to }, { onError: (error) => toast(errorMessage(error), "error") })}
        />
      ) : (
        <p className="field-hint">No job is waiting.</p>
      )}
    </section>
  );
}
