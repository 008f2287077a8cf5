import { DailyStackedChart } from "@/components/charts/daily-stacked-chart";
import { productLabel } from "@/components/charts/palette";
import { RequestLine } from "@/components/requests/request-line";
import { Card, Stat } from "@/components/ui/card";
import { Link } from "@/components/ui/link";
import { SeatEstimateNote } from "@/components/usage/seat-estimate-note";
import type { MyBudget } from "@/lib/analytics/my-usage";
import { formatAmount, percentOf, type Unit } from "@/lib/core/money";
import type { Serialized } from "@/lib/core/serialize";

import { BudgetMeter, ForecastBanner } from "./budget-meter";
import { dayLabel } from "./when";

type B = Serialized<MyBudget>;

/** Top rows of one breakdown as share bars, with the cache-hit rate where the data has one. */
function SpendShares({
  rows,
  total,
  unit,
  kind,
}: {
  rows: B["usage"]["byModel"];
  total: bigint;
  unit: Unit;
  kind: "product" | "model";
}) {
  if (rows.length === 0) return <p className="text-sm text-slate-500">No usage this period.</p>;
  const top = rows.slice(0, 5);
  const rest = rows.slice(5).reduce((s, r) => s + BigInt(r.amountMicros), 0n);
  return (
    <ul className="flex flex-col gap-2" data-testid={`spend-${kind}s`}>
      {top.map((r) => {
        const amount = BigInt(r.amountMicros);
        const share = total > 0n ? percentOf(amount, total) : 0;
        return (
          <li key={r.key} className="text-sm" data-testid={`spend-${kind}`}>
            <div className="flex flex-wrap items-baseline justify-between gap-x-3">
              <span className="min-w-0 truncate">
                {kind === "product" ? productLabel(r.key) : r.key || "(no model)"}
              </span>
              <span className="tabular text-slate-700">
                {formatAmount(amount, unit)}{" "}
                <span className="text-xs text-slate-500">· {share}%</span>
                {r.cacheHitPct !== null && (
                  <span className="text-xs text-slate-500"> · cache hits {r.cacheHitPct}%</span>
                )}
              </span>
            </div>
            <div className="mt-1 h-1.5 rounded-full bg-slate-100" aria-hidden="true">
              <div
                className="h-1.5 rounded-full bg-brand-500"
                style={{ width: `${Math.min(100, share)}%` }}
              />
            </div>
          </li>
        );
      })}
      {rest > 0n && (
        <li className="text-xs text-slate-500">
          {rows.length - 5} more: {formatAmount(rest, unit)}
        </li>
      )}
    </ul>
  );
}

function RecentRequests({ b }: { b: B }) {
  const unit = b.limit.unit;
  return (
    <Card
      title="Recent requests"
      action={
        <Link href="/requests" className="text-xs font-medium text-brand-700 hover:underline">
          All requests
        </Link>
      }
    >
      {b.requests.length === 0 ? (
        <p className="text-sm text-slate-500">You have not asked for more yet.</p>
      ) : (
        <ul className="divide-y divide-slate-100 text-sm" data-testid="home-requests">
          {b.requests.map((r) => (
            <RequestLine key={r.id} r={r} unit={unit} testId={`home-request-${r.id}`}>
              <span className="ml-auto text-xs text-slate-500">
                filed {dayLabel(r.createdAt.slice(0, 10), b.limit.today)}
              </span>
              {r.decisionNote && (
                <p className="w-full text-xs text-slate-600">“{r.decisionNote}”</p>
              )}
            </RequestLine>
          ))}
        </ul>
      )}
    </Card>
  );
}

/** The engineer's home (every role has one, for themselves): where they stand and where it goes. */
export function BudgetHome({ b }: { b: B }) {
  const m = b.usage;
  const unit = m.unit;
  const spent = BigInt(m.spentMicros);
  return (
    <div className="flex flex-col gap-6">
      <div>
        <h1 className="text-2xl font-semibold">My budget</h1>
        <p className="mt-1 text-sm text-slate-500">
          {m.name} · budget period {dayLabel(m.period.start, m.today)} –{" "}
          {dayLabel(m.period.end, m.today)} · {m.daysLeft} {m.daysLeft === 1 ? "day" : "days"} left
        </p>
      </div>
      <ForecastBanner b={b} />
      <BudgetMeter b={b} />
      <div className="grid gap-4 sm:grid-cols-3">
        <Stat
          label="Spent this period"
          value={formatAmount(spent, unit)}
          hint={
            unit === "USD"
              ? `= ${formatAmount(BigInt(m.creditsMicros), "CREDITS")}`
              : `= ${formatAmount(BigInt(m.costMicros), "USD")} billed`
          }
          testId="my-spent"
        />
        <Stat
          label="Current pace"
          value={`${formatAmount(BigInt(m.dailyPaceMicros), unit)} / day`}
          hint="average per day so far this period"
        />
        <Stat
          label="Projected at period end"
          value={formatAmount(BigInt(m.projectedMicros), unit)}
          // the forecast (the chart's dashed line), not the average pace times the days left
          hint={`on the forecast for the ${m.daysLeft} ${m.daysLeft === 1 ? "day" : "days"} left (the chart's dashed line)`}
          testId="my-projected"
        />
      </div>
      <SeatEstimateNote
        micros={m.seatMicros}
        unit={unit}
        countsAgainstLimits={m.seatsCountAgainstLimits}
      />
      <div className="grid gap-4 lg:grid-cols-2">
        <RecentRequests b={b} />
        <Card
          title="Where the spend goes"
          action={
            m.cacheHitPct !== null ? (
              <span className="text-xs text-slate-600" data-testid="cache-hit-rate">
                cache hits {m.cacheHitPct}% of input tokens
              </span>
            ) : undefined
          }
        >
          <div className="grid gap-5 sm:grid-cols-2 lg:grid-cols-1 xl:grid-cols-2">
            <div>
              <h3 className="mb-2 text-xs font-medium tracking-wide text-slate-500 uppercase">
                Top models
              </h3>
              <SpendShares rows={m.byModel} total={spent} unit={unit} kind="model" />
            </div>
            <div>
              <h3 className="mb-2 text-xs font-medium tracking-wide text-slate-500 uppercase">
                Products
              </h3>
              <SpendShares rows={m.byProduct} total={spent} unit={unit} kind="product" />
            </div>
          </div>
        </Card>
      </div>
      <Card title={`My daily usage by product (${unit === "USD" ? "USD" : "credits"})`}>
        {m.usage.daily.some((d) => BigInt(d.totalMicros) > 0n) ? (
          <DailyStackedChart
            daily={m.usage.daily}
            series={m.usage.products}
            unit={unit}
            forecast={m.forecastDays}
          />
        ) : (
          <p className="py-16 text-center text-sm text-slate-500">No usage this period yet.</p>
        )}
      </Card>
    </div>
  );
}
