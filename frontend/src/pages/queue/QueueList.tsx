// The queue as a sortable list: drag a row (pointer), or focus its handle and use Space, the
// arrow keys and Space again (keyboard, dnd-kit's sortable keyboard coordinates), each step
// announced by position. A drop moves the job to that position on the server; the list shows the
// server's order once it answers (reads that arrive during a drag wait until it ends).

import { closestCenter, DndContext, type DragEndEvent } from "@dnd-kit/core";
import { arrayMove, SortableContext, useSortable, verticalListSortingStrategy } from "@dnd-kit/sortable";
import { useEffect, useRef, useState } from "react";

import { SORTABLE_INSTRUCTIONS, useSortableAnnouncements, useSortableSensors } from "../../components/sortable";
import type { QueueItem } from "../../queries/useQueue";

type Props = {
  items: QueueItem[];
  onMove: (jobId: string, to: number) => void;
  selected?: ReadonlySet<string>;
  onToggle?: (jobId: string) => void;
  onCancel?: (jobId: string) => void;
  compact?: boolean;
};

export function QueueList({ items, onMove, selected, onToggle, onCancel, compact = false }: Props) {
  const [order, setOrder] = useState(items);
  // A read that lands mid-drag is not applied; after a drop the order shown stays until the
  // next read (the one after the move), so the list never jumps back to the order before it.
  const dragging = useRef(false);
  useEffect(() => {
    if (!dragging.current) setOrder(items);
  }, [items]);
  const sensors = useSortableSensors();
  const { announcements, onDragStart } = useSortableAnnouncements(order, "position");
  const onDragEnd = ({ active, over }: DragEndEvent) => {
    dragging.current = false;
    if (!over || active.id === over.id) return;
    const from = order.findIndex((item) => item.id === active.id);
    const to = order.findIndex((item) => item.id === over.id);
    setOrder(arrayMove(order, from, to));
    onMove(String(active.id), to + 1);
  };
  return (
    <DndContext
      sensors={sensors}
      collisionDetection={closestCenter}
      accessibility={{ announcements, screenReaderInstructions: SORTABLE_INSTRUCTIONS }}
      onDragStart={() => {
        onDragStart();
        dragging.current = true;
      }}
      onDragCancel={() => {
        dragging.current = false;
      }}
      onDragEnd={onDragEnd}
    >
      <SortableContext items={order.map((item) => item.id)} strategy={verticalListSortingStrategy}>
        <ol className={compact ? "queue-list queue-list-compact" : "queue-list"} data-testid="queue-list">
          {order.map((item, index) => (
            <QueueRow
              key={item.id}
              item={item}
              position={index + 1}
              compact={compact}
              checked={selected?.has(item.id) ?? false}
              onToggle={onToggle}
              onCancel={onCancel}
            />
          ))}
        </ol>
      </SortableContext>
    </DndContext>
  );
}

function QueueRow({
  item,
  position,
  compact,
  checked,
  onToggle,
  onCancel,
}: {
  item: QueueItem;
  position: number;
  compact: boolean;
  checked: boolean;
  onToggle?: (jobId: string) => void;
  onCancel?: (jobId: string) => void;
}) {
  const { attributes, listeners, setNodeRef, transform, transition, isDragging } = useSortable({ id: item.id });
  const style = {
    transform: transform ? `translate3d(${transform.x}px, ${transform.y}px, 0)` : undefined,
    transition,
  };
  const start = new Date(item.estimated_start);
  return (
    <li
      ref={setNodeRef}
      style={style}
      className={isDragging ? "queue-row dragging" : "queue-row"}
      data-testid="queue-row"
      data-job-id={item.id}
    >
      <button
        type="button"
        className="queue-handle"
        aria-label={`Move ${item.label} (position ${position})`}
        data-testid="queue-handle"
        {...attributes}
        {...listeners}
      >
        ⠿
      </button>
      <span className="queue-position" data-testid="queue-position">
        {position}
      </span>
      {onToggle ? (
        <input
          type="checkbox"
          aria-label={`Select ${item.label}`}
          checked={checked}
          onChange={() => onToggle(item.id)}
        />
      ) : null}
      <a className="queue-label" href={`#/jobs/${encodeURIComponent(item.id)}`}>
        {item.label}
      </a>
      <span className="queue-images">{item.images} image(s)</span>
      {compact ? null : (
        <span className="queue-start" title="Estimated start">
          starts ~{start.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })}
        </span>
      )}
      {onCancel ? (
        <button type="button" className="btn btn-sm" aria-label={`Cancel ${item.label}`} onClick={() => onCancel(item.id)}>
          Cancel
        </button>
      ) : null}
    </li>
  );
}
