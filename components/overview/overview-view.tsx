"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { DailyStackedChart } from "@/components/charts/daily-stacked-chart";
import { Card, ErrorNote, Skeleton, Stat } from "@/components/ui/card";
import type { OverviewData } from "@/lib/analytics/overview";
import { fetchJson } from "@/lib/fetch-json";
import { formatAmount } from "@/lib/money";
import { queryKeys } from "@/lib/query-keys";
import type { Serialized } from "@/lib/serialize";

const SCOPE_TITLES = { workspace: "Workspace", groups: "Your groups", self: "Your usage" } as const;

export function OverviewView() {
  const query = useQuery({ queryKey: queryKeys.overview(), queryFn: () => fetchJson<Serialized<OverviewData>>("/api/overview") });
  if (query.isPending) return <OverviewSkeleton />;
  if (query.isError) return <ErrorNote message={`Could not load the overview: ${query.error.message}`} onRetry={() => void query.refetch()} />;
  const d = query.data;
  const unit = d.unit;
  const other = unit === "USD" ? formatAmount(BigInt(d.totals.creditsMicros), "CREDITS") : formatAmount(BigInt(d.totals.costMicros), "USD");
  const billedVsEstimate = BigInt(d.totals.costMicros) !== BigInt(d.totals.estimatedCostMicros);
  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-wrap items-end justify-between gap-2">
        <div>
          <p className="text-sm text-slate-500">{SCOPE_TITLES[d.scope.kind]}: {d.scope.label}</p>
          <h1 className="text-2xl font-semibold">Overview</h1>
        </div>
        <p className="text-sm text-slate-500" data-testid="period">
          Budget period {d.period.start} – {d.period.end} · {d.daysLeft} {d.daysLeft === 1 ? "day" : "days"} left
          {d.dataAsOf && <> · data as of {d.dataAsOf}</>}
        </p>
      </div>
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <Stat label="Spent this period" value={formatAmount(BigInt(d.spentMicros), unit)} hint={<>= {other}</>} testId="spent-this-period" />
        <Stat
          label="Billed (USD)"
          value={formatAmount(BigInt(d.totals.costMicros), "USD")}
          hint={billedVsEstimate ? <>list-price estimate {formatAmount(BigInt(d.totals.estimatedCostMicros), "USD")}</> : "equals list-price estimate"}
        />
        <Stat label="Projected at period end" value={formatAmount(BigInt(d.projectedMicros), unit)} hint="at the pace so far this period" testId="projected" />
        {d.scope.kind === "workspace" ? (
          <Stat label="Unattributed" value={formatAmount(BigInt(d.unattributedCostMicros), "USD")} hint="spend that maps to no member (service keys)" />
        ) : (
          <Stat label="Days left" value={String(d.daysLeft)} hint={`period ends ${d.period.end}`} />
        )}
      </div>
      <Card title={`Daily spend by product (${unit === "USD" ? "USD" : "credits"})`}>
        {d.daily.some((x) => BigInt(x.totalMicros) > 0n) ? (
          <DailyStackedChart daily={d.daily} series={d.products} unit={unit} />
        ) : (
          <p className="py-16 text-center text-sm text-slate-500">No usage in this period yet.</p>
        )}
      </Card>
      {d.scope.kind !== "self" && (
        <Card title="Top spenders this period">
          {d.topMembers.length === 0 ? (
            <p className="text-sm text-slate-500">Nobody has spent anything yet.</p>
          ) : (
            <table className="w-full text-sm">
              <thead>
                <tr className="border-b border-slate-200 text-left text-xs uppercase tracking-wide text-slate-500">
                  <th scope="col" className="py-2">Member</th>
                  <th scope="col" className="py-2 text-right">Spent ({unit === "USD" ? "USD" : "credits"})</th>
                </tr>
              </thead>
              <tbody>
                {d.topMembers.map((m) => (
                  <tr key={m.memberId} className="border-b border-slate-100 last:border-0">
                    <td className="py-2">
                      <Link href={`/members/${m.memberId}`} className="font-medium text-brand-700 hover:underline">{m.name}</Link>
                      <span className="ml-2 text-xs text-slate-500">{m.email}</span>
                    </td>
                    <td className="tabular py-2 text-right">{formatAmount(BigInt(m.amountMicros), unit)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Card>
      )}
    </div>
  );
}

function OverviewSkeleton() {
  return (
    <div className="flex flex-col gap-6" aria-busy="true">
      <Skeleton className="h-10 w-64" />
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        {[0, 1, 2, 3].map((i) => <Skeleton key={i} />)}
      </div>
      <Skeleton className="h-72" />
    </div>
  );
}
