"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";

import { buttonClass } from "@/components/ui/button";
import { Card, ErrorNote, Skeleton, Stat } from "@/components/ui/card";
import { ScrollArea } from "@/components/ui/scroll-area";
import { fetchJson } from "@/lib/client/fetch-json";
import { queryKeys } from "@/lib/client/query-keys";
import { formatAmount } from "@/lib/core/money";
import type { Serialized } from "@/lib/core/serialize";
import type { ChargebackPreview } from "@/lib/exports/export-chargeback";
import {
  CHARGEBACK_DIMENSION_LABELS,
  CHARGEBACK_DIMENSIONS,
  type ChargebackDimension,
} from "@/lib/exports/params";

type PeriodChoice = "current" | "previous" | "custom";

const fmtInt = (v: string) => BigInt(v).toLocaleString("en-US");

export function ExportsView({ today, workspaceName }: { today: string; workspaceName: string }) {
  const [period, setPeriod] = useState<PeriodChoice>("current");
  const [start, setStart] = useState(today.slice(0, 8) + "01");
  const [end, setEnd] = useState(today);
  const [dims, setDims] = useState<ChargebackDimension[]>(["cost_center"]);
  const params = new URLSearchParams({ period, group_by: dims.join(",") });
  if (period === "custom") {
    params.set("start", start);
    params.set("end", end);
  }
  const search = params.toString();
  const preview = useQuery({
    queryKey: queryKeys.exportPreview(search),
    queryFn: () =>
      fetchJson<Serialized<ChargebackPreview>>(`/api/exports/chargeback/preview?${search}`),
    placeholderData: (prev) => prev,
  });
  const toggle = (d: ChargebackDimension) =>
    setDims((cur) =>
      cur.includes(d)
        ? cur.filter((x) => x !== d)
        : CHARGEBACK_DIMENSIONS.filter((x) => x === d || cur.includes(x)),
    );
  const p = preview.data;
  // Claude Code seat estimates: a column and a total of their own, shown when there are any
  const seats = p ? BigInt(p.totals.seatEstimateMicros) : 0n;

  return (
    <div className="flex flex-col gap-6">
      <Card title="What to export">
        <div className="flex flex-wrap items-end gap-6">
          <label className="flex flex-col text-xs font-medium text-slate-600">
            Period
            <select
              className="mt-1 rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm"
              value={period}
              onChange={(e) => setPeriod(e.target.value as PeriodChoice)}
              data-testid="export-period"
            >
              <option value="current">This budget period</option>
              <option value="previous">Last budget period</option>
              <option value="custom">Custom dates…</option>
            </select>
          </label>
          {period === "custom" && (
            <>
              <label className="flex flex-col text-xs font-medium text-slate-600">
                From
                <input
                  type="date"
                  className="mt-1 rounded-md border border-slate-300 px-2 py-1 text-sm"
                  value={start}
                  max={end}
                  onChange={(e) => setStart(e.target.value)}
                  data-testid="export-start"
                />
              </label>
              <label className="flex flex-col text-xs font-medium text-slate-600">
                To
                <input
                  type="date"
                  className="mt-1 rounded-md border border-slate-300 px-2 py-1 text-sm"
                  value={end}
                  min={start}
                  onChange={(e) => setEnd(e.target.value)}
                  data-testid="export-end"
                />
              </label>
            </>
          )}
          <fieldset className="flex flex-col text-xs font-medium text-slate-600">
            <legend>Group by</legend>
            <div className="mt-1 flex flex-wrap gap-3">
              {CHARGEBACK_DIMENSIONS.map((d) => (
                <label
                  key={d}
                  className="flex items-center gap-1.5 text-sm font-normal text-slate-700"
                >
                  <input
                    type="checkbox"
                    checked={dims.includes(d)}
                    onChange={() => toggle(d)}
                    data-testid={`group-by-${d}`}
                  />
                  {CHARGEBACK_DIMENSION_LABELS[d]}
                </label>
              ))}
            </div>
          </fieldset>
        </div>
        <p className="mt-4 text-xs text-slate-500">
          Spend is charged once, to each member&apos;s primary cost center. Grouped by group, a
          member counts in the group whose cost center matches theirs (else the first by name).
          Spend that maps to no member is its own “(unattributed)” row.
        </p>
      </Card>

      {preview.isPending ? (
        <Skeleton className="h-64" />
      ) : preview.isError ? (
        <ErrorNote
          message={`Could not load the preview: ${preview.error.message}`}
          onRetry={() => void preview.refetch()}
        />
      ) : (
        p && (
          <>
            <div
              className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4"
              aria-busy={preview.isFetching}
            >
              <Stat
                label="Billed (USD)"
                value={formatAmount(BigInt(p.totals.costMicros), "USD")}
                testId="export-total-billed"
                hint={`${p.period.start} – ${p.period.end}`}
              />
              <Stat
                label="List-price estimate"
                value={formatAmount(BigInt(p.totals.estimatedCostMicros), "USD")}
              />
              <Stat
                label="Credits"
                value={formatAmount(BigInt(p.totals.creditsMicros), "CREDITS")}
              />
              {seats !== 0n && (
                <Stat
                  label="Seat plans, estimated"
                  value={formatAmount(seats, "USD")}
                  testId="export-total-seats"
                  hint="not billed: column seat_estimated_usd"
                />
              )}
              <Stat
                label="Rows"
                value={p.rowCount.toLocaleString("en-US")}
                testId="export-row-count"
                hint={`${fmtInt(p.totals.requests)} requests`}
              />
            </div>
            <Card
              title={`Preview: first ${p.rows.length} of ${p.rowCount.toLocaleString("en-US")} rows`}
              action={
                <div className="flex gap-2">
                  <a
                    href={`/api/exports/focus?${search}`}
                    className={buttonClass("secondary")}
                    data-testid="download-focus"
                    download
                  >
                    FOCUS 1.2 CSV
                  </a>
                  <a
                    href={`/api/exports/chargeback?${search}`}
                    className={buttonClass()}
                    data-testid="download-chargeback"
                    download
                  >
                    Download chargeback CSV
                  </a>
                </div>
              }
            >
              <p className="mb-3 text-xs text-slate-500">
                {workspaceName} · file <span className="font-mono">{p.fileName}</span>
              </p>
              <ScrollArea label="Chargeback preview">
                <table className="min-w-full text-sm" data-testid="export-preview">
                  <thead>
                    <tr className="border-b border-slate-200 text-left text-xs tracking-wide text-slate-500 uppercase">
                      {p.groupBy.map((d) => (
                        <th key={d} className="py-2 pr-4 font-medium">
                          {CHARGEBACK_DIMENSION_LABELS[d]}
                        </th>
                      ))}
                      <th className="py-2 pr-4 text-right font-medium">Billed</th>
                      <th className="py-2 pr-4 text-right font-medium">List estimate</th>
                      <th className="py-2 pr-4 text-right font-medium">Credits</th>
                      <th className="py-2 pr-4 text-right font-medium">Tokens in / cached / out</th>
                      <th className="py-2 text-right font-medium">Requests</th>
                      {seats !== 0n && (
                        <th className="py-2 pl-4 text-right font-medium">Seats, estimated</th>
                      )}
                    </tr>
                  </thead>
                  <tbody>
                    {p.rows.map((r, i) => (
                      <tr key={i} className="border-b border-slate-100 last:border-0">
                        {p.groupBy.map((d) => (
                          <td key={d} className="py-2 pr-4 text-slate-700">
                            {d === "cost_center"
                              ? r.costCenter
                              : d === "group"
                                ? r.group
                                : d === "member"
                                  ? r.memberName
                                    ? `${r.memberName} · ${r.memberEmail}`
                                    : r.memberEmail
                                  : d === "product"
                                    ? r.product
                                    : d === "model"
                                      ? r.model
                                      : r.provider}
                          </td>
                        ))}
                        <td className="tabular py-2 pr-4 text-right whitespace-nowrap">
                          {formatAmount(BigInt(r.costMicros), "USD")}
                        </td>
                        <td className="tabular py-2 pr-4 text-right whitespace-nowrap text-slate-500">
                          {formatAmount(BigInt(r.estimatedCostMicros), "USD")}
                        </td>
                        <td className="tabular py-2 pr-4 text-right whitespace-nowrap text-slate-500">
                          {formatAmount(BigInt(r.creditsMicros), "CREDITS")}
                        </td>
                        <td className="tabular py-2 pr-4 text-right whitespace-nowrap text-slate-500">
                          {fmtInt(r.inputTokens)} / {fmtInt(r.cachedInputTokens)} /{" "}
                          {fmtInt(r.outputTokens)}
                        </td>
                        <td className="tabular py-2 text-right whitespace-nowrap text-slate-500">
                          {fmtInt(r.requests)}
                        </td>
                        {seats !== 0n && (
                          <td className="tabular py-2 pl-4 text-right whitespace-nowrap text-slate-500">
                            {formatAmount(BigInt(r.seatEstimateMicros), "USD")}
                          </td>
                        )}
                      </tr>
                    ))}
                    {p.rows.length === 0 && (
                      <tr>
                        <td
                          colSpan={p.groupBy.length + 5}
                          className="py-6 text-center text-slate-500"
                        >
                          No spend in this period.
                        </td>
                      </tr>
                    )}
                  </tbody>
                </table>
              </ScrollArea>
            </Card>
          </>
        )
      )}
    </div>
  );
}
