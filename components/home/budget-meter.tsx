import { limitPolicyLine, LimitStateBadge } from "@/components/members/limit-state";
import { Meter } from "@/components/ui/meter";
import type { MyBudget } from "@/lib/analytics/my-usage";
import { formatAmount, percentOf } from "@/lib/core/money";
import type { Serialized } from "@/lib/core/serialize";

import { RequestMore } from "./request-more";
import { dayLabel, inDays } from "./when";

type B = Serialized<MyBudget>;

function Figure({
  label,
  value,
  hint,
  testId,
}: {
  label: string;
  value: string;
  hint?: string;
  testId: string;
}) {
  return (
    <div>
      <p className="text-xs font-medium tracking-wide text-slate-500 uppercase">{label}</p>
      <p className="tabular mt-1 text-lg font-semibold" data-testid={testId}>
        {value}
      </p>
      {hint && <p className="text-xs text-slate-500">{hint}</p>}
    </div>
  );
}

/**
 * The member's own limit as a meter: used of limit, where the limit comes from in words, what
 * is left, when it resets, and the way to ask for more. With no personal limit it says so —
 * and names any pool they still draw from — rather than reading as "no limit at all".
 */
export function BudgetMeter({ b }: { b: B }) {
  const l = b.limit;
  const unit = l.unit;
  const used = BigInt(l.usedMicros);
  const unitLabel = unit === "USD" ? "USD" : "credits";
  const reset = `on ${dayLabel(b.resetDay, l.today)}, ${inDays(b.resetDay, l.today)}`;
  const suggested = b.suggestedAskMicros
    ? (BigInt(b.suggestedAskMicros) / 1_000_000n).toString()
    : null;
  const cap = l.limitMicros === null ? null : BigInt(l.limitMicros);
  const noLimitWhy =
    b.pools.length > 0
      ? `You have no personal limit, so a request has nothing to raise. What caps your spend is the ${b.pools.map((p) => p.name).join(" and ")}, which an admin changes on the Limits screen.`
      : "No limit applies to you this period, so there is nothing for a request to raise.";
  return (
    <section
      className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm"
      data-testid="member-limit"
      aria-labelledby="member-limit-title"
    >
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <h2
            id="member-limit-title"
            className="flex flex-wrap items-center gap-2 text-sm font-medium text-slate-700"
          >
            Your limit this period {cap !== null && <LimitStateBadge limit={l} />}
          </h2>
          <p className="mt-1 flex flex-wrap items-baseline gap-x-2">
            <span className="tabular text-2xl font-semibold" data-testid="my-limit">
              {cap === null ? "No limit" : formatAmount(cap, unit)}
            </span>
            {/* "no limit" beside "No limit" says nothing: the source shows when there is one */}
            {(cap !== null || b.pools.length > 0) && (
              <span
                className="rounded bg-slate-100 px-1.5 py-0.5 text-xs font-medium text-slate-700"
                data-testid="limit-source"
              >
                {b.source.words}
              </span>
            )}
          </p>
          {/* the reason under the source only when it says more ("workspace default" once, not twice) */}
          {(cap !== null || b.pools.length > 0) &&
            l.reason.trim().toLowerCase() !== b.source.words.toLowerCase() && (
              <p className="mt-0.5 text-xs text-slate-500">
                <span data-testid="my-limit-reason">{l.reason}</span>
              </p>
            )}
        </div>
        <RequestMore
          periodEnd={l.period.end}
          unitLabel={unitLabel}
          suggestedAmount={suggested}
          testId="request-more"
          blocked={cap === null ? noLimitWhy : undefined}
          className={
            cap === null
              ? "inline-block rounded-md border border-slate-300 px-3 py-2 text-sm font-medium whitespace-nowrap text-slate-700 hover:bg-slate-50"
              : undefined
          }
        />
      </div>
      {cap !== null ? (
        <div className="mt-4 flex flex-col gap-2">
          <Meter
            usedPct={cap > 0n ? percentOf(used, cap) : 100}
            projectedPct={cap > 0n ? percentOf(BigInt(l.projectedMicros), cap) : null}
            softPct={l.softThresholdPct}
            state={l.state}
            label={`${formatAmount(used, unit)} used of ${formatAmount(cap, unit)}`}
          />
          <p className="text-xs text-slate-500" data-testid="limit-policy-line">
            {limitPolicyLine(l)}
          </p>
        </div>
      ) : (
        <p className="mt-3 text-sm text-slate-600" data-testid="no-limit-note">
          {b.pools.length > 0
            ? `No personal limit applies to you; what caps your spend is the ${b.pools.map((p) => p.name).join(" and ")} (below).`
            : "Nothing caps your spend this period: no override, group limit or workspace default applies to you."}
        </p>
      )}
      <div className="mt-4 grid grid-cols-2 gap-4 sm:grid-cols-3">
        <Figure
          label="Used"
          value={formatAmount(used, unit)}
          hint={cap !== null && cap > 0n ? `${percentOf(used, cap)}% of your limit` : undefined}
          testId="my-used"
        />
        <Figure
          label="Remaining"
          value={
            l.remainingMicros === null ? "no limit" : formatAmount(BigInt(l.remainingMicros), unit)
          }
          hint={
            l.remainingMicros === null
              ? undefined
              : cap !== null && used >= cap
                ? `used up: ${formatAmount(used - cap, unit)} over the limit`
                : l.exhaustionDay
                  ? `runs out ${l.exhaustionLatestDay === l.exhaustionDay ? `around ${dayLabel(l.exhaustionDay, l.today)}` : `between ${dayLabel(l.exhaustionDay, l.today)} and ${l.exhaustionLatestDay ? dayLabel(l.exhaustionLatestDay, l.today) : "the period end"}`} on the forecast`
                  : "enough at this pace"
          }
          testId="my-remaining"
        />
        <Figure
          label="Resets"
          value={reset}
          hint={`period ${dayLabel(l.period.start, l.today)} – ${dayLabel(l.period.end, l.today)}`}
          testId="my-reset"
        />
      </div>
      {b.pools.length > 0 && (
        <ul
          className="mt-4 flex flex-col gap-2 border-t border-slate-100 pt-3"
          data-testid="my-pools"
        >
          {b.pools.map((p) => {
            const pc = BigInt(p.capMicros);
            return (
              <li key={p.name} className="text-xs text-slate-600">
                <div className="mb-1 flex flex-wrap justify-between gap-2">
                  <span>
                    You also draw from the <span className="font-medium">{p.name}</span>
                  </span>
                  <span className="tabular">
                    {p.exhausted
                      ? "exhausted"
                      : `${formatAmount(BigInt(p.remainingMicros), unit)} left of ${formatAmount(pc, unit)}`}
                  </span>
                </div>
                <Meter
                  usedPct={pc > 0n ? percentOf(BigInt(p.usedMicros), pc) : 100}
                  projectedPct={null}
                  softPct={null}
                  state={p.exhausted ? "over" : "ok"}
                  label={`${p.name}: ${formatAmount(BigInt(p.usedMicros), unit)} used of ${formatAmount(pc, unit)}`}
                />
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

/**
 * "At this pace you reach your limit on D": shown when the projection runs out before the
 * period ends (amber), or the limit is reached (red), with the way to ask for more in it.
 */
export function ForecastBanner({ b }: { b: B }) {
  const l = b.limit;
  if (l.limitMicros === null) return null;
  const unitLabel = l.unit === "USD" ? "USD" : "credits";
  const suggested = b.suggestedAskMicros
    ? (BigInt(b.suggestedAskMicros) / 1_000_000n).toString()
    : null;
  const reached = l.remainingMicros !== null && BigInt(l.remainingMicros) <= 0n;
  if (!reached && !l.exhaustionDay) return null;
  const text = reached
    ? `You have reached your limit for this period; it resets on ${dayLabel(b.resetDay, l.today)}.`
    : `At this pace you reach your limit on ${dayLabel(l.exhaustionDay!, l.today)} (${inDays(l.exhaustionDay!, l.today)}), before the period ends on ${dayLabel(l.period.end, l.today)}: projected ${formatAmount(BigInt(l.projectedMicros), l.unit)} of ${formatAmount(BigInt(l.limitMicros), l.unit)}.`;
  return (
    <div
      className={`flex flex-wrap items-center justify-between gap-3 rounded-lg border px-4 py-3 text-sm ${reached ? "border-red-200 bg-red-50 text-red-900" : "border-amber-300 bg-amber-50 text-amber-950"}`}
      data-testid="forecast-banner"
      role="status"
    >
      <p className="min-w-0 flex-1">{text}</p>
      <RequestMore
        periodEnd={l.period.end}
        unitLabel={unitLabel}
        suggestedAmount={suggested}
        testId="banner-request-more"
        className={`inline-block rounded-md px-3 py-1.5 text-sm font-medium whitespace-nowrap text-white ${reached ? "bg-red-700 hover:bg-red-800" : "bg-amber-700 hover:bg-amber-800"}`}
      />
    </div>
  );
}
