// The checkbox column: one box per row and "Select All (X/Y)" for the rows of this page. The
// selection is the table's row-selection state, keyed by row id, so rows picked on other pages
// stay picked while the user pages.

import type { ColumnDef } from "@tanstack/react-table";

export function selectColumn<T>(describe: (row: T) => string): ColumnDef<T, unknown> {
  return {
    id: "select",
    meta: { className: "cell-select" },
    header: ({ table }) => {
      const rows = table.getRowModel().rows;
      const picked = rows.filter((row) => row.getIsSelected()).length;
      return (
        <label className="select-all">
          <input
            type="checkbox"
            data-testid="select-page"
            checked={rows.length > 0 && picked === rows.length}
            ref={(input) => {
              if (input) input.indeterminate = picked > 0 && picked < rows.length;
            }}
            onChange={(event) => table.toggleAllPageRowsSelected(event.target.checked)}
          />
          <span>
            Select All ({picked}/{rows.length})
          </span>
        </label>
      );
    },
    cell: ({ row }) => (
      <input
        type="checkbox"
        data-testid="select-row"
        aria-label={`Select ${describe(row.original)}`}
        checked={row.getIsSelected()}
        disabled={!row.getCanSelect()}
        onChange={row.getToggleSelectedHandler()}
      />
    ),
  };
}
