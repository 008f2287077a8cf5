import { DailyStackedChart } from "@/components/charts/daily-stacked-chart";
import { AmountList } from "@/components/members/amount-list";
import { MemberLimitSlot } from "@/components/members/limit-slot";
import { Card, Stat } from "@/components/ui/card";
import { SeatEstimateNote } from "@/components/usage/seat-estimate-note";
import type { MyUsage } from "@/lib/analytics/my-usage";
import { formatAmount } from "@/lib/money";
import type { Serialized } from "@/lib/serialize";

/** The engineer's own page: spend this period, pace, projection; the limit slot carries the limit and the way to ask for more. */
export function MyUsageView({ m, limit }: { m: Serialized<MyUsage>; limit?: React.ReactNode }) {
  const unit = m.unit;
  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold">My usage</h1>
          <p className="mt-1 text-sm text-slate-500">
            {m.name} · budget period {m.period.start} – {m.period.end} · {m.daysLeft}{" "}
            {m.daysLeft === 1 ? "day" : "days"} left
          </p>
        </div>
      </div>
      <div className="grid gap-4 sm:grid-cols-3">
        <Stat
          label="Spent this period"
          value={formatAmount(BigInt(m.spentMicros), unit)}
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
          hint={`${m.daysLeft} days left at this pace`}
          testId="my-projected"
        />
      </div>
      <SeatEstimateNote
        micros={m.seatMicros}
        unit={unit}
        countsAgainstLimits={m.seatsCountAgainstLimits}
      />
      <MemberLimitSlot memberId={m.memberId}>{limit}</MemberLimitSlot>
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
      <div className="grid gap-4 lg:grid-cols-2">
        <Card title="By product">
          <AmountList rows={m.byProduct} unit={unit} kind="product" />
        </Card>
        <Card title="By model">
          <AmountList rows={m.byModel} unit={unit} kind="model" />
        </Card>
      </div>
    </div>
  );
}
