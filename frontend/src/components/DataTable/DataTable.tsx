// The one table every list uses: TanStack Table over one server page of rows (the API pages;
// the table never slices), with loading, error and empty states, optional row selection kept
// by row id (so it survives paging), and a pager driven by the API's cursors.

import {
  flexRender,
  getCoreRowModel,
  useReactTable,
  type ColumnDef,
  type OnChangeFn,
  type Row,
  type RowSelectionState,
} from "@tanstack/react-table";
import type { HTMLAttributes, ReactNode } from "react";

import { ErrorAlert } from "../ErrorAlert";
import { Pager, type PagerProps } from "./Pager";

type Props<T> = {
  columns: ColumnDef<T, unknown>[];
  data: T[] | undefined;
  getRowId: (row: T) => string;
  isLoading?: boolean;
  error?: unknown;
  empty: ReactNode;
  rowSelection?: RowSelectionState;
  onRowSelectionChange?: OnChangeFn<RowSelectionState>;
  pager?: PagerProps;
  rowProps?: (row: Row<T>) => HTMLAttributes<HTMLTableRowElement> & Record<`data-${string}`, string>;
  testId?: string;
};

export function DataTable<T>(props: Props<T>) {
  const { columns, data, getRowId, isLoading, error, empty, rowSelection, onRowSelectionChange, pager } = props;
  const table = useReactTable<T>({
    columns,
    data: data ?? [],
    getRowId,
    getCoreRowModel: getCoreRowModel(),
    manualPagination: true,
    manualSorting: true,
    manualFiltering: true,
    enableRowSelection: Boolean(onRowSelectionChange),
    state: rowSelection ? { rowSelection } : {},
    onRowSelectionChange,
  });
  let body: ReactNode;
  if (error && !data) body = <ErrorAlert error={error} testId="table-error" />;
  else if (!data && isLoading) body = <p className="loading">Loading…</p>;
  else if (!data || data.length === 0) body = empty;
  else
    body = (
      <div className="table-wrap">
        <table className="table" data-testid={props.testId}>
          <thead>
            {table.getHeaderGroups().map((group) => (
              <tr key={group.id}>
                {group.headers.map((header) => (
                  <th key={header.id} scope="col" className={header.column.columnDef.meta?.className}>
                    {header.isPlaceholder ? null : flexRender(header.column.columnDef.header, header.getContext())}
                  </th>
                ))}
              </tr>
            ))}
          </thead>
          <tbody>
            {table.getRowModel().rows.map((row) => (
              <tr key={row.id} {...props.rowProps?.(row)} aria-selected={row.getIsSelected() || undefined}>
                {row.getVisibleCells().map((cell) => (
                  <td key={cell.id} className={cell.column.columnDef.meta?.className}>
                    {flexRender(cell.column.columnDef.cell, cell.getContext())}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    );
  return (
    <>
      {error && data ? <ErrorAlert error={error} testId="table-error" /> : null}
      {body}
      {pager ? <Pager {...pager} /> : null}
    </>
  );
}
