import { Stat } from "@/components/ui/card";
import { formatAmount } from "@/lib/core/money";
import type { Serialized } from "@/lib/core/serialize";
import type { MyLimit } from "@/lib/limits/limits-screen";

export type LimitStatField = "limit" | "used" | "remaining" | "projected";
const ALL: readonly LimitStatField[] = ["limit", "used", "remaining", "projected"];
// static class names (Tailwind sees only literal strings)
const COLS = [
  "",
  "sm:grid-cols-1",
  "sm:grid-cols-2",
  "sm:grid-cols-3",
  "sm:grid-cols-2 lg:grid-cols-4",
];

/** Under "Remaining": over by how much once the limit is used up, else when it runs out. */
export function remainingHint(limit: Serialized<MyLimit>): string {
  const { limitMicros, usedMicros } = limit;
  if (limitMicros !== null && BigInt(usedMicros) >= BigInt(limitMicros))
    return `used up: ${formatAmount(BigInt(usedMicros) - BigInt(limitMicros), limit.unit)} over the limit`;
  return limit.exhaustionDay
    ? `runs out around ${limit.exhaustionDay} on the forecast`
    : "enough at this pace";
}

/**
 * The signed-in person's effective limit, always with the reason it applies. Pages that
 * already show spend or projection elsewhere pass `fields` to leave those out.
 */
export function MyLimitStats({
  limit,
  limitLabel = "Your limit this period",
  fields = ALL,
}: {
  limit: Serialized<MyLimit>;
  limitLabel?: string;
  fields?: readonly LimitStatField[];
}) {
  const unit = limit.unit;
  const fmt = (m: string | null) => (m === null ? "unlimited" : formatAmount(BigInt(m), unit));
  const on = (f: LimitStatField) => fields.includes(f);
  return (
    <div className={`grid gap-4 ${COLS[fields.length] ?? COLS[4]}`}>
      {on("limit") && (
        <Stat
          label={limitLabel}
          value={fmt(limit.limitMicros)}
          hint={<span data-testid="my-limit-reason">{limit.reason}</span>}
          testId="my-limit"
        />
      )}
      {on("used") && (
        <Stat
          label="Used"
          value={formatAmount(BigInt(limit.usedMicros), unit)}
          hint={`${limit.period.start} – ${limit.period.end}`}
          testId="my-used"
        />
      )}
      {on("remaining") && (
        <Stat
          label="Remaining"
          value={fmt(limit.remainingMicros)}
          hint={remainingHint(limit)}
          testId="my-remaining"
        />
      )}
      {on("projected") && (
        <Stat
          label="Projected at period end"
          value={formatAmount(BigInt(limit.projectedMicros), unit)}
          hint="on the forecast for the rest of the period"
        />
      )}
    </div>
  );
}
