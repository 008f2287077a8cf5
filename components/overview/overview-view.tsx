"use client";

import { useQuery } from "@tanstack/react-query";

import { BarList } from "@/components/charts/bar-list";
import { DailyStackedChart } from "@/components/charts/daily-stacked-chart";
import { ForecastRange } from "@/components/charts/forecast-range";
import { productLabel } from "@/components/charts/palette";
import { SetLimitButton } from "@/components/limits/set-limit-button";
import { Card, ErrorNote, Skeleton, Stat } from "@/components/ui/card";
import { Link } from "@/components/ui/link";
import { RangePicker } from "@/components/usage/range-picker";
import { SeatEstimateNote } from "@/components/usage/seat-estimate-note";
import { useAnalyticsState } from "@/components/usage/use-analytics-state";
import type { OverviewData } from "@/lib/analytics/overview";
import { STACKS } from "@/lib/analytics/url-state";
import { fetchJson } from "@/lib/client/fetch-json";
import { queryKeys } from "@/lib/client/query-keys";
import { formatAmount, formatPercent } from "@/lib/core/money";
import type { Serialized } from "@/lib/core/serialize";

/** What the projection is not compared with when no pooled cap bounds this scope's total. */
const NO_CAP: Record<string, string> = {
  // group pools may exist; only a workspace-wide cap bounds the workspace's total
  workspace: " · no workspace-wide cap",
  groups: " · not every group here has a pooled cap",
  self: "", // the person's own limit is on My budget
};

const SCOPE_TITLES = { workspace: "Workspace", groups: "Your groups", self: "Your usage" } as const;
const STACK_LABELS = {
  product: "Product",
  model: "Model",
  provider: "Provider",
  group: "Group",
} as const;

/** `canSetLimits`: the permission table's limits:write, for the top spenders' "Set limit". */
export function OverviewView({ canSetLimits = false }: { canSetLimits?: boolean }) {
  const { state, search, set } = useAnalyticsState({ stack: true });
  const query = useQuery({
    queryKey: queryKeys.overview(search),
    queryFn: () =>
      fetchJson<Serialized<OverviewData>>(`/api/overview${search ? `?${search}` : ""}`),
    placeholderData: (prev) => prev,
  });
  if (query.isPending) return <OverviewSkeleton />;
  if (query.isError)
    return (
      <ErrorNote
        message={`Could not load the overview: ${query.error.message}`}
        onRetry={() => void query.refetch()}
      />
    );
  const d = query.data;
  const unit = d.unit;
  const unitName = unit === "USD" ? "USD" : "credits";
  const other =
    unit === "USD"
      ? formatAmount(BigInt(d.totals.creditsMicros), "CREDITS")
      : formatAmount(BigInt(d.totals.costMicros), "USD");
  const billed = BigInt(d.totals.costMicros);
  const estimated = BigInt(d.totals.estimatedCostMicros);
  const isPeriod = d.range.isCurrentPeriod;
  const hasData = d.daily.some((x) => BigInt(x.totalMicros) > 0n);
  const usageLink = (extra: string) => `/usage?${[search, extra].filter(Boolean).join("&")}`;
  return (
    <div className="flex flex-col gap-6" aria-busy={query.isFetching}>
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <p className="text-sm text-slate-500">
            {SCOPE_TITLES[d.scope.kind]}: {d.scope.label}
          </p>
          <h1 className="text-2xl font-semibold">Overview</h1>
          <p className="mt-1 text-sm text-slate-500" data-testid="period">
            {d.range.label}: {d.range.start} – {d.range.end}
            {isPeriod && (
              <>
                {" "}
                · {d.daysLeft} {d.daysLeft === 1 ? "day" : "days"} left
              </>
            )}
            {d.dataAsOf && <> · data as of {d.dataAsOf}</>}
          </p>
        </div>
        <RangePicker spec={state.spec} today={d.today} onChange={set} />
      </div>
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <Stat
          label={isPeriod ? "Spent this period" : "Spent in range"}
          value={formatAmount(BigInt(d.spentMicros), unit)}
          hint={
            <>
              = {other}
              {d.changePct !== null && (
                <span className={d.changePct > 0 ? "ml-2 text-amber-700" : "ml-2 text-emerald-700"}>
                  {d.changePct > 0 ? "▲" : "▼"} {formatPercent(Math.abs(d.changePct))} vs previous{" "}
                  {d.range.previous.start} – {d.range.previous.end}
                </span>
              )}
            </>
          }
          testId="spent-this-period"
        />
        <Stat
          label="Billed vs estimated (USD)"
          value={formatAmount(billed, "USD")}
          hint={
            billed !== estimated ? (
              <>billed · list-price estimate {formatAmount(estimated, "USD")}</>
            ) : (
              "billed; equals the list-price estimate"
            )
          }
        />
        {isPeriod ? (
          <Stat
            label="Projected at period end"
            value={formatAmount(BigInt(d.projectedMicros), unit)}
            hint={
              <>
                <span data-testid="forecast-band">
                  range {formatAmount(BigInt(d.projectedLowMicros), unit)} –{" "}
                  {formatAmount(BigInt(d.projectedHighMicros), unit)}
                </span>
                {d.limitMicros !== null ? (
                  <>
                    {" "}
                    · limit {formatAmount(BigInt(d.limitMicros), unit)} ·{" "}
                    <ForecastRange earliest={d.runOutDay} latest={d.runOutLatestDay} />
                  </>
                ) : (
                  NO_CAP[d.scope.kind]
                )}
              </>
            }
            testId="projected"
          />
        ) : (
          <Stat
            label="Requests"
            value={BigInt(d.metrics.requests).toLocaleString("en-US")}
            hint={`${BigInt(d.metrics.inputTokens).toLocaleString("en-US")} input tokens`}
          />
        )}
        {d.scope.kind === "workspace" ? (
          <Stat
            label="Unattributed · unpriced"
            value={formatAmount(BigInt(d.unattributedMicros), unit)}
            hint={
              <>
                <Link className="text-brand-700 underline" href={usageLink("member=unattributed")}>
                  maps to no member
                </Link>{" "}
                · {BigInt(d.unpricedRequests).toLocaleString("en-US")} unpriced requests
              </>
            }
            testId="unattributed"
          />
        ) : (
          <Stat
            label="Days left"
            value={String(d.daysLeft)}
            hint={`budget period ends ${d.period.end}`}
          />
        )}
      </div>
      <SeatEstimateNote micros={d.totals.seatMicros} unit={unit} className="-mt-3" />
      <Card
        title={`Daily spend by ${STACK_LABELS[d.stackBy].toLowerCase()} (${unitName})`}
        action={
          <div
            role="group"
            aria-label="Split the daily chart by"
            className="flex rounded-md border border-slate-300 text-xs"
          >
            {STACKS.filter((s) => s !== "group" || d.scope.kind !== "self").map((s) => (
              <button
                key={s}
                type="button"
                aria-pressed={d.stackBy === s}
                onClick={() => set({ stack: s === "product" ? null : s })}
                className={`px-2.5 py-1 first:rounded-l-md last:rounded-r-md ${d.stackBy === s ? "bg-brand-600 text-white" : "bg-white text-slate-700 hover:bg-slate-50"}`}
              >
                {STACK_LABELS[s]}
              </button>
            ))}
          </div>
        }
      >
        {hasData ? (
          <DailyStackedChart
            daily={d.daily}
            series={d.products}
            unit={unit}
            labels={d.stackBy === "product" ? undefined : d.seriesLabels}
            by={d.stackBy}
            forecast={d.forecastDays}
          />
        ) : (
          <p className="py-16 text-center text-sm text-slate-500">No usage in this range.</p>
        )}
        {d.stackBy === "group" && (
          <p className="mt-2 text-xs text-slate-500">
            A member in two groups is stacked under both; the day&apos;s total counts them once.
          </p>
        )}
      </Card>
      <div className="grid gap-4 lg:grid-cols-3">
        <Card title="By product">
          <BarList
            unit={unit}
            items={d.byProduct.map((s) => ({
              ...s,
              label: productLabel(s.label),
              href: usageLink(`dimension=product&product=${encodeURIComponent(s.key)}`),
            }))}
          />
        </Card>
        <Card title="By model">
          <BarList unit={unit} items={d.byModel.map((s) => ({ ...s, href: null }))} />
        </Card>
        {d.scope.kind !== "self" ? (
          <Card title="By group">
            <BarList unit={unit} items={d.byGroup} />
            {d.groupsOverlap && (
              <p className="mt-2 text-xs text-slate-500">
                Members in several groups count in each; shares are of the total counted once.
              </p>
            )}
          </Card>
        ) : (
          <Card title="Data sources">
            <Sources sources={d.sources} />
          </Card>
        )}
      </div>
      {d.scope.kind !== "self" && (
        <div className="grid gap-4 lg:grid-cols-3">
          <Card
            title={isPeriod ? "Top spenders this period" : "Top spenders"}
            className="lg:col-span-2"
            action={
              <Link
                href={usageLink("")}
                className="text-xs font-medium text-brand-700 hover:underline"
              >
                Explore usage →
              </Link>
            }
          >
            {d.topMembers.length === 0 ? (
              <p className="text-sm text-slate-500">Nobody has spent anything in this range.</p>
            ) : (
              <table className="w-full text-sm">
                <thead>
                  <tr className="border-b border-slate-200 text-left text-xs tracking-wide text-slate-500 uppercase">
                    <th scope="col" className="py-2">
                      Member
                    </th>
                    <th scope="col" className="py-2 text-right">
                      Spent ({unitName})
                    </th>
                    {canSetLimits && (
                      <th scope="col" className="py-2 pl-3">
                        <span className="sr-only">Limit</span>
                      </th>
                    )}
                  </tr>
                </thead>
                <tbody>
                  {d.topMembers.map((m) => (
                    <tr key={m.memberId} className="border-b border-slate-100 last:border-0">
                      <td className="py-2">
                        <Link
                          href={`/members/${m.memberId}`}
                          className="font-medium text-brand-700 hover:underline"
                        >
                          {m.name}
                        </Link>
                        <span className="ml-2 text-xs text-slate-500">{m.email}</span>
                      </td>
                      <td className="tabular py-2 text-right">
                        {formatAmount(BigInt(m.amountMicros), unit)}
                      </td>
                      {canSetLimits && (
                        <td className="py-2 pl-3 text-right">
                          <SetLimitButton target={{ memberId: m.memberId }} name={m.name} />
                        </td>
                      )}
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </Card>
          <Card title="Data sources">
            <Sources sources={d.sources} />
          </Card>
        </div>
      )}
    </div>
  );
}

function Sources({ sources }: { sources: Serialized<OverviewData>["sources"] }) {
  if (!sources.length) return <p className="text-sm text-slate-500">No connected sources yet.</p>;
  return (
    <ul className="flex flex-col gap-2 text-sm" data-testid="sources">
      {sources.map((s) => (
        <li key={s.name} className="flex items-baseline justify-between gap-2">
          <span>
            <span className="font-medium">{s.name}</span>{" "}
            <span className="text-xs text-slate-500">{s.kind}</span>
          </span>
          <span className="text-xs text-slate-600">
            data as of {s.dataAsOf ?? "—"}
            {s.lastStatus && s.lastStatus.toUpperCase() !== "SUCCEEDED" && (
              <span className="ml-1 text-amber-700">({s.lastStatus.toLowerCase()})</span>
            )}
          </span>
        </li>
      ))}
    </ul>
  );
}

function OverviewSkeleton() {
  return (
    <div className="flex flex-col gap-6" aria-busy="true">
      <Skeleton className="h-10 w-64" />
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        {[0, 1, 2, 3].map((i) => (
          <Skeleton key={i} />
        ))}
      </div>
      <Skeleton className="h-72" />
    </div>
  );
}
