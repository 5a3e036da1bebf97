// Which jobs the user picked for a bulk action: explicit jobs, kept across pages and filter
// changes in the order they were picked (a bulk rerun runs them in that order), or "every job
// matching this filter", a selection the server resolves.

import type { RowSelectionState, Updater } from "@tanstack/react-table";
import { useCallback, useMemo, useState } from "react";

import type { Job, Schemas } from "../../api/client";

export type JobFilter = Schemas["JobFilter"];

export type Selection =
  | { mode: "ids"; ids: string[]; jobs: Record<string, Job> }
  | { mode: "matching"; filter: JobFilter };

const EMPTY: Selection = { mode: "ids", ids: [], jobs: {} };

/** The selection after the table's row-selection change on a page showing `pageJobs`. */
type IdSelection = Extract<Selection, { mode: "ids" }>;
const NONE: IdSelection = { mode: "ids", ids: [], jobs: {} };

export function applyRowSelection(selection: Selection, next: RowSelectionState, pageJobs: Job[]): Selection {
  const base: IdSelection = selection.mode === "ids" ? selection : NONE;
  const onPage = new Set(pageJobs.map((job) => job.id));
  // Rows of other pages are not in the table: they stay as they were.
  const kept = base.ids.filter((id) => !onPage.has(id) || next[id]);
  const added = pageJobs.filter((job) => next[job.id] && !base.ids.includes(job.id));
  const jobs: Record<string, Job> = {};
  for (const id of kept) {
    const job = pageJobs.find((j) => j.id === id) ?? base.jobs[id];
    if (job) jobs[id] = job;
  }
  for (const job of added) jobs[job.id] = job;
  return { mode: "ids", ids: [...kept, ...added.map((job) => job.id)], jobs };
}

export function useJobSelection(pageJobs: Job[]) {
  const [selection, setSelection] = useState<Selection>(EMPTY);
  const rowSelection = useMemo<RowSelectionState>(() => {
    if (selection.mode === "matching") return Object.fromEntries(pageJobs.map((job) => [job.id, true]));
    return Object.fromEntries(selection.ids.map((id) => [id, true]));
  }, [selection, pageJobs]);
  const onRowSelectionChange = useCallback(
    (updater: Updater<RowSelectionState>) => {
      setSelection((current) => {
        const before =
          current.mode === "matching"
            ? Object.fromEntries(pageJobs.map((job) => [job.id, true]))
            : Object.fromEntries(current.ids.map((id) => [id, true]));
        const next = typeof updater === "function" ? updater(before) : updater;
        // Unticking a row of "every matching job" turns it into the rows of this page.
        const from = current.mode === "matching" ? EMPTY : current;
        return applyRowSelection(from, next, pageJobs);
      });
    },
    [pageJobs],
  );
  return {
    selection,
    rowSelection,
    onRowSelectionChange,
    count: selection.mode === "ids" ? selection.ids.length : null,
    selectMatching: (filter: JobFilter) => setSelection({ mode: "matching", filter }),
    clear: () => setSelection(EMPTY),
    /** Forget jobs that no longer exist (deleted). */
    drop: (ids: string[]) =>
      setSelection((current) => {
        if (current.mode !== "ids") return EMPTY;
        const gone = new Set(ids);
        const jobs = { ...current.jobs };
        for (const id of ids) delete jobs[id];
        return { mode: "ids", ids: current.ids.filter((id) => !gone.has(id)), jobs };
      }),
  };
}
