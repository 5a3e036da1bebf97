// The jobs list's filters (seed 000): status, a date range (days in the user's time zone), a
// search by label or id, and the sort order, in the filter bar every list uses.

import { FilterBar, type FilterControl } from "../../components/FilterBar";
import { JOB_STATUSES, statusLabel } from "../../lib/status";

export type JobFilterValues = { status: string; from: string; to: string; q: string; sort: string };

type Props = { values: JobFilterValues; onChange: (changes: Partial<JobFilterValues>) => void };

const CONTROLS: readonly FilterControl<keyof JobFilterValues>[] = [
  { kind: "select", name: "status", label: "Status", options: [["", "All statuses"], ...JOB_STATUSES.map((s) => [s, statusLabel(s)] as const)] },
  { kind: "dates", from: "from", to: "to" },
  { kind: "search", name: "q", placeholder: "Label or id" },
  {
    kind: "select",
    name: "sort",
    label: "Sort",
    testId: "sort-order",
    options: [
      ["newest", "Newest first"],
      ["oldest", "Oldest first"],
      ["name", "Name"],
    ],
  },
];

export function JobFilters({ values, onChange }: Props) {
  return <FilterBar label="Filter jobs" idPrefix="filter" controls={CONTROLS} values={values} onChange={onChange} />;
}
