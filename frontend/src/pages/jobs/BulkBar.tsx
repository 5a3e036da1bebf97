// The selection's bar on the jobs page: how many jobs are picked (or "all N matching"), the offer
// to extend a full page to every job matching the filter, and Rerun / Export / Delete Selected.

import { plural } from "./BulkConfirm";
import type { Selection } from "./useJobSelection";

type Props = {
  selection: Selection;
  count: number | null;
  pageFullySelected: boolean;
  moreThanPage: boolean;
  onSelectMatching: () => void;
  onClear: () => void;
  onRerun: () => void;
  onExport: () => void;
  onDelete: () => void;
};

export function BulkBar(props: Props) {
  const { selection, count, pageFullySelected, moreThanPage } = props;
  const none = selection.mode === "ids" && !count;
  return (
    <div className="bulk-bar" role="region" aria-label="Selected jobs" data-testid="bulk-bar">
      <span className="bulk-count" data-testid="selection-count">
        {selection.mode === "matching" ? "Every job matching this filter is selected" : none ? "No job selected" : `${plural(count ?? 0, "job")} selected`}
      </span>
      {selection.mode === "ids" && pageFullySelected && moreThanPage ? (
        <button type="button" className="btn btn-sm btn-link" onClick={props.onSelectMatching} data-testid="select-matching">
          Select all jobs matching this filter
        </button>
      ) : null}
      <span className="toolbar-spacer" />
      <button type="button" className="btn btn-sm" disabled={none} onClick={props.onRerun} data-testid="bulk-rerun">
        Rerun Selected
      </button>
      <button type="button" className="btn btn-sm" disabled={none} onClick={props.onExport} data-testid="bulk-export">
        Export Selected
      </button>
      <button type="button" className="btn btn-sm btn-danger-outline" disabled={none} onClick={props.onDelete} data-testid="bulk-delete">
        Delete Selected
      </button>
      {none ? null : (
        <button type="button" className="btn btn-sm" onClick={props.onClear} data-testid="selection-clear">
          Clear
        </button>
      )}
    </div>
  );
}
