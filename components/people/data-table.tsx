"use client";

import { flexRender, getCoreRowModel, useReactTable, type ColumnDef } from "@tanstack/react-table";

import { ScrollArea } from "@/components/ui/scroll-area";

/**
 * The one table of the people and audit screens (TanStack Table): header markup once, rows
 * with a test id and state, and sideways scrolling inside its card on narrow screens instead
 * of the whole page.
 */
export function DataTable<T>({
  columns,
  data,
  rowId,
  rowProps,
  empty,
  testId,
  minWidth = "48rem",
}: {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- TanStack's column values are heterogeneous
  columns: ColumnDef<T, any>[];
  data: T[];
  rowId: (row: T) => string;
  rowProps?: (row: T) => Record<string, string | undefined>;
  empty: string;
  testId: string;
  minWidth?: string;
}) {
  // eslint-disable-next-line react-hooks/incompatible-library -- the table object is rebuilt each render, never memoized
  const table = useReactTable({
    data,
    columns,
    getCoreRowModel: getCoreRowModel(),
    getRowId: rowId,
  });
  if (!data.length) return <p className="py-6 text-center text-sm text-slate-500">{empty}</p>;
  return (
    <ScrollArea label="Table" className="-mx-5 px-5">
      <table className="w-full text-left text-sm" style={{ minWidth }} data-testid={testId}>
        <thead className="border-b border-slate-200 text-xs tracking-wide text-slate-500 uppercase">
          {table.getHeaderGroups().map((hg) => (
            <tr key={hg.id}>
              {hg.headers.map((h) => (
                <th key={h.id} scope="col" className="py-2 pr-4 font-medium">
                  {h.isPlaceholder ? null : flexRender(h.column.columnDef.header, h.getContext())}
                </th>
              ))}
            </tr>
          ))}
        </thead>
        <tbody className="divide-y divide-slate-100">
          {table.getRowModel().rows.map((row) => (
            <tr key={row.id} className="align-top" {...(rowProps?.(row.original) ?? {})}>
              {row.getVisibleCells().map((cell) => (
                <td key={cell.id} className="py-2 pr-4">
                  {flexRender(cell.column.columnDef.cell, cell.getContext())}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollArea>
  );
}
