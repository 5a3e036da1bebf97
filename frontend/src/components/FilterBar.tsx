// A list's filter bar, for Jobs, the Gallery and Failed Images Review alike: choices, a date range
// (days in the user's time zone, each end bounding the other), a search applied as the typing
// pauses (or at once with Enter) and the sort, every control labelled, their values the list's
// URL state. What a page adds after them (a view switch, selection actions) comes as children.

import { useEffect, useRef, useState, type ReactNode } from "react";

export type Option = readonly [value: string, label: string];

export type FilterControl<K extends string> =
  | { kind: "select"; name: K; label: string; options: readonly Option[]; testId?: string }
  | { kind: "dates"; from: K; to: K }
  | { kind: "search"; name: K; placeholder: string; label?: string; testId?: string };

type Props<K extends string> = {
  /** The name of the bar (a search landmark): "Filter jobs". */
  label: string;
  idPrefix: string;
  controls: readonly FilterControl<K>[];
  values: Record<K, string>;
  onChange: (changes: Partial<Record<K, string>>) => void;
  children?: ReactNode;
  testId?: string;
};

/** A job filter's choices: every job of the list, by label, after "All jobs". */
export function jobOptions(jobs: readonly { id: string; label: string }[]): Option[] {
  return [["", "All jobs"], ...jobs.map((job) => [job.id, job.label] as const)];
}

const SEARCH_DELAY_MS = 300;
const MAX_SEARCH = 200;

export function FilterBar<K extends string>({ label, idPrefix, controls, values, onChange, children, testId }: Props<K>) {
  const id = (name: string) => `${idPrefix}-${name}`;
  return (
    <div className="toolbar" role="search" aria-label={label} data-testid={testId}>
      {controls.map((control) => {
        if (control.kind === "select") {
          return (
            <div className="toolbar-field" key={control.name}>
              <label htmlFor={id(control.name)}>{control.label}</label>
              <select
                id={id(control.name)}
                data-testid={control.testId ?? `filter-${control.name}`}
                value={values[control.name]}
                onChange={(event) => onChange({ [control.name]: event.target.value } as Partial<Record<K, string>>)}
              >
                {control.options.map(([value, text]) => (
                  <option key={value} value={value}>
                    {text}
                  </option>
                ))}
              </select>
            </div>
          );
        }
        if (control.kind === "dates") {
          const { from, to } = control;
          return (
            <DateRange
              key={`${from}-${to}`}
              fromId={id(from)}
              toId={id(to)}
              from={values[from]}
              to={values[to]}
              onFrom={(value) => onChange({ [from]: value } as Partial<Record<K, string>>)}
              onTo={(value) => onChange({ [to]: value } as Partial<Record<K, string>>)}
            />
          );
        }
        return (
          <Search
            key={control.name}
            id={id(control.name)}
            label={control.label ?? "Search"}
            placeholder={control.placeholder}
            testId={control.testId ?? `filter-${control.name}`}
            value={values[control.name]}
            onSearch={(value) => onChange({ [control.name]: value } as Partial<Record<K, string>>)}
          />
        );
      })}
      {children ? (
        <>
          <span className="toolbar-spacer" />
          {children}
        </>
      ) : null}
    </div>
  );
}

function DateRange(props: { fromId: string; toId: string; from: string; to: string; onFrom: (v: string) => void; onTo: (v: string) => void }) {
  return (
    <>
      <div className="toolbar-field">
        <label htmlFor={props.fromId}>From</label>
        <input id={props.fromId} type="date" data-testid="filter-from" value={props.from} max={props.to || undefined} onChange={(event) => props.onFrom(event.target.value)} />
      </div>
      <div className="toolbar-field">
        <label htmlFor={props.toId}>To</label>
        <input id={props.toId} type="date" data-testid="filter-to" value={props.to} min={props.from || undefined} onChange={(event) => props.onTo(event.target.value)} />
      </div>
    </>
  );
}

/** The search box: what is typed is applied once the typing pauses, or at once with Enter. */
function Search({ id, label, placeholder, testId, value, onSearch }: { id: string; label: string; placeholder: string; testId: string; value: string; onSearch: (v: string) => void }) {
  const [text, setText] = useState(value);
  // The page's handler as of now, so a re-render (a live update) does not restart the pause.
  const search = useRef(onSearch);
  search.current = onSearch;
  // What this box last applied, until the page hands it back as `value`: that echo must leave
  // the box alone (it would drop a trailing space, or undo what was typed since).
  const applied = useRef<string | null>(null);
  const apply = (query: string) => {
    if (query !== value) applied.current = query;
    search.current(query);
  };
  useEffect(() => {
    if (value === applied.current) applied.current = null;
    else setText(value); // a change from outside (Back, a link)
  }, [value]);
  useEffect(() => {
    if (text.trim() === value) return undefined;
    const timer = setTimeout(() => apply(text.trim()), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [text, value]); // apply reads the latest handler through `search`
  return (
    <div className="toolbar-field toolbar-grow">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="search"
        data-testid={testId}
        placeholder={placeholder}
        maxLength={MAX_SEARCH}
        value={text}
        onChange={(event) => setText(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === "Enter") apply(text.trim());
        }}
      />
    </div>
  );
}
