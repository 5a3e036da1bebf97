// The jobs list's filters: status, a date range (days in the user's time zone), a search by label
// or id, and the sort order.

import { useEffect, useState } from "react";

import { JOB_STATUSES, statusLabel } from "../../lib/status";

export type JobFilterValues = { status: string; from: string; to: string; q: string; sort: string };

type Props = { values: JobFilterValues; onChange: (changes: Partial<JobFilterValues>) => void };

const SEARCH_DELAY_MS = 300;

export function JobFilters({ values, onChange }: Props) {
  const [search, setSearch] = useState(values.q);
  useEffect(() => {
    setSearch(values.q);
  }, [values.q]);
  useEffect(() => {
    if (search === values.q) return undefined;
    const timer = setTimeout(() => onChange({ q: search.trim() }), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [search, values.q, onChange]);
  return (
    <div className="toolbar" role="search" aria-label="Filter jobs">
      <div className="toolbar-field">
        <label htmlFor="filter-status">Status</label>
        <select
          id="filter-status"
          data-testid="filter-status"
          value={values.status}
          onChange={(event) => onChange({ status: event.target.value })}
        >
          <option value="">All statuses</option>
          {JOB_STATUSES.map((status) => (
            <option key={status} value={status}>
              {statusLabel(status)}
            </option>
          ))}
        </select>
      </div>
      <div className="toolbar-field">
        <label htmlFor="filter-from">From</label>
        <input
          id="filter-from"
          type="date"
          data-testid="filter-from"
          value={values.from}
          max={values.to || undefined}
          onChange={(event) => onChange({ from: event.target.value })}
        />
      </div>
      <div className="toolbar-field">
        <label htmlFor="filter-to">To</label>
        <input
          id="filter-to"
          type="date"
          data-testid="filter-to"
          value={values.to}
          min={values.from || undefined}
          onChange={(event) => onChange({ to: event.target.value })}
        />
      </div>
      <div className="toolbar-field toolbar-grow">
        <label htmlFor="filter-q">Search</label>
        <input
          id="filter-q"
          type="search"
          data-testid="filter-q"
          placeholder="Label or id"
          maxLength={200}
          value={search}
          onChange={(event) => setSearch(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === "Enter") onChange({ q: search.trim() });
          }}
        />
      </div>
      <div className="toolbar-field">
        <label htmlFor="sort-order">Sort</label>
        <select
          id="sort-order"
          data-testid="sort-order"
          value={values.sort}
          onChange={(event) => onChange({ sort: event.target.value })}
        >
          <option value="newest">Newest first</option>
          <option value="oldest">Oldest first</option>
          <option value="name">Name</option>
        </select>
      </div>
    </div>
  );
}
