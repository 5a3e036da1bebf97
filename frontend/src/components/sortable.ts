// What every sortable list of the console shares (the queue, the Job Builder's chain): its
// sensors and what it says to a screen reader. A pointer drag starts after 4 px (a click stays a
// click); the keyboard picks an item up with Space, moves it with the arrow keys and drops it
// with Space (Escape leaves it). The sensors' options are module constants, so a re-render in
// the middle of a drag (a live update) keeps the same sensors and the drag goes on. Each step is
// announced by the item's name and place ("Metadata is over step 2.").

import { KeyboardSensor, PointerSensor, useSensor, useSensors, type Announcements, type UniqueIdentifier } from "@dnd-kit/core";
import { sortableKeyboardCoordinates } from "@dnd-kit/sortable";
import { useRef } from "react";

const POINTER = { activationConstraint: { distance: 4 } };
const KEYBOARD = { coordinateGetter: sortableKeyboardCoordinates };

export const SORTABLE_INSTRUCTIONS = {
  draggable: "To move it, press Space, then the up and down arrow keys, then Space again to drop it there, or Escape to leave it.",
};

export function useSortableSensors() {
  return useSensors(useSensor(PointerSensor, POINTER), useSensor(KeyboardSensor, KEYBOARD));
}

type Item = { id: UniqueIdentifier; label: string };

/** Announcements by name and place; `place` is the word for it ("position", "step"). */
export function useSortableAnnouncements(items: readonly Item[], place: string): { announcements: Announcements; onDragStart: () => void } {
  const moved = useRef(false);
  const labelOf = (id: UniqueIdentifier) => items.find((item) => item.id === id)?.label ?? "the item";
  const placeOf = (id: UniqueIdentifier) => items.findIndex((item) => item.id === id) + 1;
  return {
    onDragStart: () => {
      moved.current = false;
    },
    announcements: {
      onDragStart: ({ active }) => `Picked up ${labelOf(active.id)}, ${place} ${placeOf(active.id)}.`,
      onDragOver: ({ active, over }) => {
        // Right after a pick-up the item is "over" its own place: that says nothing new.
        if (!over || (over.id === active.id && !moved.current)) return undefined;
        moved.current = true;
        return `${labelOf(active.id)} is over ${place} ${placeOf(over.id)}.`;
      },
      onDragEnd: ({ active, over }) => (over ? `${labelOf(active.id)} dropped at ${place} ${placeOf(over.id)}.` : undefined),
      onDragCancel: ({ active }) => `${labelOf(active.id)} left at ${place} ${placeOf(active.id)}.`,
    },
  };
}
