"use client";

import { useQuery } from "@tanstack/react-query";
import {
  createColumnHelper,
  flexRender,
  getCoreRowModel,
  useReactTable,
} from "@tanstack/react-table";

import { BarList } from "@/components/charts/bar-list";
import { productLabel } from "@/components/charts/palette";
import { Sparkline } from "@/components/charts/sparkline";
import { LimitCell } from "@/components/groups/limit-cell";
import { SetLimitButton } from "@/components/limits/set-limit-button";
import { Card, ErrorNote, Skeleton } from "@/components/ui/card";
import { Link } from "@/components/ui/link";
import { ScrollArea } from "@/components/ui/scroll-area";
import { SeatEstimateNote } from "@/components/usage/seat-estimate-note";
import type { SortKey } from "@/lib/analytics/breakdown-query";
import type { BreakdownRow } from "@/lib/analytics/breakdown-types";
import type { ExplorerPage } from "@/lib/analytics/explorer-page";
import {
  DIMENSION_LABELS,
  DIMENSIONS,
  UNATTRIBUTED,
  type Dimension,
} from "@/lib/analytics/filters";
import { canonicalSearch } from "@/lib/analytics/url-state";
import { fetchJson } from "@/lib/client/fetch-json";
import { queryKeys } from "@/lib/client/query-keys";
import { formatAmount, formatPercent, type Unit } from "@/lib/core/money";
import type { Serialized } from "@/lib/core/serialize";
import type { MyLimit } from "@/lib/limits/limits-screen";

import { FilterBar } from "./filter-bar";
import { RangePicker } from "./range-picker";
import { useAnalyticsState } from "./use-analytics-state";

type Row = Serialized<BreakdownRow>;
const col = createColumnHelper<Row>();
const int = (v: string) => BigInt(v).toLocaleString("en-US");

function columns(
  unit: Unit,
  dimension: Dimension,
  onFilter: (key: string) => void,
  showSeats: boolean,
  canSetLimits: boolean,
  limits: Record<string, Serialized<MyLimit>> | null,
) {
  return [
    col.accessor("label", {
      id: "label",
      header: DIMENSION_LABELS[dimension],
      cell: (c) => {
        const r = c.row.original;
        const name = dimension === "product" ? productLabel(r.label) : r.label;
        return (
          <div className="min-w-0">
            {r.href ? (
              <Link href={r.href} className="font-medium text-brand-700 hover:underline">
                {name}
              </Link>
            ) : (
              <span className="font-medium">{name}</span>
            )}
            {r.sublabel && <div className="truncate text-xs text-slate-500">{r.sublabel}</div>}
          </div>
        );
      },
    }),
    col.accessor("amountMicros", {
      id: "amount",
      header: `Spend (${unit === "USD" ? "USD" : "credits"})`,
      cell: (c) => formatAmount(BigInt(c.getValue()), unit),
      meta: { numeric: true },
    }),
    // Claude Code seat estimates are not billed, so never inside Spend: their own column
    ...(showSeats
      ? [
          col.accessor("seatMicros", {
            id: "seats",
            header: "Seats, estimated",
            cell: (c) => (
              <span className="text-slate-500">{formatAmount(BigInt(c.getValue()), unit)}</span>
            ),
            enableSorting: false,
            meta: { numeric: true },
          }),
        ]
      : []),
    // people rows: each one's effective limit this period (whatever the range), with its meter
    ...(limits
      ? [
          col.display({
            id: "limit",
            header: "Limit this period",
            cell: (c) =>
              c.row.original.key === UNATTRIBUTED ? (
                <span className="text-slate-500">—</span>
              ) : (
                <LimitCell limit={limits[c.row.original.key]} testIds="usage-member" compact />
              ),
            enableSorting: false,
            meta: { numeric: true },
          }),
        ]
      : []),
    col.accessor("sharePct", {
      id: "share",
      header: "Share",
      cell: (c) => formatPercent(c.getValue()),
      enableSorting: false,
      meta: { numeric: true },
    }),
    col.accessor("changePct", {
      id: "change",
      header: "vs previous",
      cell: (c) => {
        const v = c.getValue();
        return v === null ? (
          <span className="text-slate-500">new</span>
        ) : (
          <span className={v > 0 ? "text-amber-700" : "text-emerald-700"}>
            {v > 0 ? "+" : ""}
            {formatPercent(v)}
          </span>
        );
      },
      meta: { numeric: true },
    }),
    col.display({
      id: "tokens",
      header: "Tokens in / cached / out",
      cell: (c) => (
        <span className="text-xs">
          {int(c.row.original.inputTokens)} / {int(c.row.original.cachedInputTokens)} /{" "}
          {int(c.row.original.outputTokens)}
        </span>
      ),
      meta: { numeric: true },
    }),
    col.accessor("requests", {
      id: "requests",
      header: "Requests",
      cell: (c) => int(c.getValue()),
      meta: { numeric: true },
    }),
    col.accessor("cacheHitPct", {
      id: "cacheHit",
      header: "Cache hit",
      cell: (c) => formatPercent(c.getValue()),
      meta: { numeric: true },
    }),
    col.display({
      id: "trend",
      header: "Trend",
      cell: (c) => (
        <Sparkline
          values={c.row.original.sparkline}
          label={`Daily trend of ${c.row.original.label}`}
        />
      ),
      enableSorting: false,
    }),
    col.display({
      id: "filter",
      header: () => <span className="sr-only">Actions</span>,
      cell: (c) => (
        <span className="flex items-center justify-end gap-3">
          <button
            type="button"
            className="text-xs text-brand-700 hover:underline"
            onClick={() => onFilter(c.row.original.key)}
            aria-label={`Filter to ${c.row.original.label}`}
          >
            filter
          </button>
          {canSetLimits && dimension === "member" && c.row.original.key !== UNATTRIBUTED && (
            <SetLimitButton target={{ memberId: c.row.original.key }} name={c.row.original.label} />
          )}
        </span>
      ),
      enableSorting: false,
    }),
  ];
}

/** `canSetLimits`: the permission table's limits:write, for the people rows' "Set limit". */
export function UsageExplorer({ canSetLimits = false }: { canSetLimits?: boolean }) {
  const { state, search, set } = useAnalyticsState({ breakdown: true });
  const rangeSearch = canonicalSearch({ ...state, filters: {} });
  const query = useQuery({
    queryKey: queryKeys.usage(search),
    queryFn: () => fetchJson<Serialized<ExplorerPage>>(`/api/usage?${search}`),
    placeholderData: (prev) => prev,
  });
  const d = query.data;
  const dimension = state.query.dimension;
  const unit: Unit = d?.unit ?? "CREDITS";
  // TanStack Table is not React-Compiler memoizable; this component re-renders on every URL change anyway.
  // "filter" on a row narrows to that key and drills down to members (the natural next question).
  // eslint-disable-next-line react-hooks/incompatible-library
  const table = useReactTable({
    data: d?.rows ?? [],
    columns: columns(
      unit,
      dimension,
      (key) =>
        set({
          [dimension]: [...new Set([...(state.filters[dimension] ?? []), key])].map((v) =>
            v === UNATTRIBUTED ? "unattributed" : v,
          ),
          dimension: null,
          page: null,
        }),
      d !== undefined && BigInt(d.totals.seatMicros) !== 0n,
      canSetLimits,
      d?.limits ?? null,
    ),
    getCoreRowModel: getCoreRowModel(),
    manualSorting: true,
    manualPagination: true,
    state: { sorting: [{ id: state.query.sort, desc: state.query.dir === "desc" }] },
  });
  const sortBy = (id: SortKey) => {
    const same = state.query.sort === id;
    const dir = same
      ? state.query.dir === "desc"
        ? "asc"
        : "desc"
      : id === "label"
        ? "asc"
        : "desc";
    set({ sort: id === "amount" ? null : id, dir: dir === "desc" ? null : dir, page: null });
  };
  const pages = d ? Math.max(1, Math.ceil(d.totalRows / d.pageSize)) : 1;
  return (
    <div className="flex flex-col gap-5">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold">Usage</h1>
          <p className="mt-1 text-sm text-slate-500">
            {d
              ? `${d.range.label}: ${d.range.start} – ${d.range.end} · compared with ${d.range.previous.start} – ${d.range.previous.end}`
              : " "}
          </p>
        </div>
        <div className="flex flex-wrap items-end gap-2">
          <label className="flex flex-col text-xs font-medium text-slate-600">
            Break down by
            <select
              className="mt-1 rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm"
              value={dimension}
              onChange={(e) =>
                set({ dimension: e.target.value === "member" ? null : e.target.value, page: null })
              }
              data-testid="dimension-picker"
            >
              {DIMENSIONS.map((x) => (
                <option key={x} value={x}>
                  {DIMENSION_LABELS[x]}
                </option>
              ))}
            </select>
          </label>
          <RangePicker spec={state.spec} today={d?.range.toDate.end ?? ""} onChange={set} />
          <a
            href={`/api/usage/export?${search}`}
            className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-50"
            download
          >
            Export CSV
          </a>
        </div>
      </div>
      <FilterBar
        filters={state.filters}
        dimension={dimension}
        rangeSearch={rangeSearch}
        onChange={set}
      />
      {query.isError && (
        <ErrorNote
          message={`Could not load usage: ${query.error.message}`}
          onRetry={() => void query.refetch()}
        />
      )}
      {query.isPending ? (
        <Skeleton className="h-96" />
      ) : d ? (
        <>
          <div className="grid gap-4 lg:grid-cols-3">
            <Card title="Total (each usage row counted once)">
              <p className="tabular text-2xl font-semibold" data-testid="usage-total">
                {formatAmount(BigInt(d.totals.amountMicros), unit)}
              </p>
              <p className="mt-1 text-xs text-slate-500">
                billed {formatAmount(BigInt(d.totals.costMicros), "USD")} · {int(d.totals.requests)}{" "}
                requests · previous {formatAmount(BigInt(d.totals.previousAmountMicros), unit)}
              </p>
              <SeatEstimateNote micros={d.totals.seatMicros} unit={unit} className="mt-1" />
              {d.overlapping && (
                <p className="mt-2 text-xs text-amber-700">
                  A member in several groups appears in each group&apos;s row, so the rows can add
                  up to more than the total.
                </p>
              )}
            </Card>
            <Card
              title={`Top ${DIMENSION_LABELS[dimension].toLowerCase()}s on this page`}
              className="lg:col-span-2"
            >
              <BarList
                unit={unit}
                items={d.rows.slice(0, 6).map((r) => ({
                  key: r.key,
                  label: dimension === "product" ? productLabel(r.label) : r.label,
                  href: r.href,
                  amountMicros: r.amountMicros,
                  sharePct: r.sharePct,
                }))}
              />
            </Card>
          </div>
          <Card>
            {d.rows.length === 0 ? (
              <p className="py-10 text-center text-sm text-slate-500">
                No usage matches these filters in this range.
              </p>
            ) : (
              <ScrollArea label="Usage table">
                <table
                  className="w-full text-sm"
                  data-testid="usage-table"
                  aria-rowcount={d.totalRows}
                >
                  <caption className="sr-only">
                    Usage by {DIMENSION_LABELS[dimension]}, sorted by {state.query.sort}{" "}
                    {state.query.dir === "desc" ? "descending" : "ascending"}
                  </caption>
                  <thead>
                    {table.getHeaderGroups().map((hg) => (
                      <tr
                        key={hg.id}
                        className="border-b border-slate-200 text-left text-xs tracking-wide text-slate-500 uppercase"
                      >
                        {hg.headers.map((h) => {
                          const sortable = h.column.getCanSort();
                          const isSorted = state.query.sort === h.column.id;
                          const numeric = (
                            h.column.columnDef.meta as { numeric?: boolean } | undefined
                          )?.numeric;
                          return (
                            <th
                              key={h.id}
                              scope="col"
                              className={`py-2 pr-3 ${numeric ? "text-right" : ""}`}
                              aria-sort={
                                sortable
                                  ? isSorted
                                    ? state.query.dir === "desc"
                                      ? "descending"
                                      : "ascending"
                                    : "none"
                                  : undefined
                              }
                            >
                              {sortable ? (
                                <button
                                  type="button"
                                  className="inline-flex items-center gap-1 uppercase hover:text-slate-800"
                                  onClick={() => sortBy(h.column.id as SortKey)}
                                >
                                  {flexRender(h.column.columnDef.header, h.getContext())}
                                  <span aria-hidden="true">
                                    {isSorted ? (state.query.dir === "desc" ? "▼" : "▲") : "↕"}
                                  </span>
                                </button>
                              ) : (
                                flexRender(h.column.columnDef.header, h.getContext())
                              )}
                            </th>
                          );
                        })}
                      </tr>
                    ))}
                  </thead>
                  <tbody>
                    {table.getRowModel().rows.map((row) => (
                      <tr
                        key={row.id}
                        className="border-b border-slate-100 last:border-0 hover:bg-slate-50"
                      >
                        {row.getVisibleCells().map((cell) => (
                          <td
                            key={cell.id}
                            className={`tabular py-2 pr-3 ${(cell.column.columnDef.meta as { numeric?: boolean } | undefined)?.numeric ? "text-right whitespace-nowrap" : ""}`}
                          >
                            {flexRender(cell.column.columnDef.cell, cell.getContext())}
                          </td>
                        ))}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </ScrollArea>
            )}
            <nav className="mt-3 flex items-center justify-between text-sm" aria-label="Pages">
              <span className="text-slate-500">
                {d.totalRows} {d.totalRows === 1 ? "row" : "rows"} · page {d.page} of {pages}
              </span>
              <span className="flex gap-2">
                <button
                  type="button"
                  className="rounded border border-slate-300 px-2 py-1 disabled:opacity-40"
                  disabled={d.page <= 1}
                  onClick={() => set({ page: d.page - 1 === 1 ? null : d.page - 1 })}
                >
                  Previous
                </button>
                <button
                  type="button"
                  className="rounded border border-slate-300 px-2 py-1 disabled:opacity-40"
                  disabled={d.page >= pages}
                  onClick={() => set({ page: d.page + 1 })}
                >
                  Next
                </button>
              </span>
            </nav>
          </Card>
        </>
      ) : null}
    </div>
  );
}
