import { Stat } from "@/components/ui/card";
import type { MyLimit } from "@/lib/limits/overview";
import { formatAmount } from "@/lib/money";
import type { Serialized } from "@/lib/serialize";

/** The signed-in person's effective limit, always with the reason it applies. */
export function MyLimitStats({ limit, limitLabel = "Your limit this period" }: { limit: Serialized<MyLimit>; limitLabel?: string }) {
  const unit = limit.unit;
  const fmt = (m: string | null) => (m === null ? "unlimited" : formatAmount(BigInt(m), unit));
  return (
    <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
      <Stat label={limitLabel} value={fmt(limit.limitMicros)} hint={<span data-testid="my-limit-reason">{limit.reason}</span>} testId="my-limit" />
      <Stat label="Used" value={formatAmount(BigInt(limit.usedMicros), unit)} hint={`${limit.period.start} – ${limit.period.end}`} testId="my-used" />
      <Stat label="Remaining" value={fmt(limit.remainingMicros)} hint={limit.exhaustionDay ? `runs out around ${limit.exhaustionDay} at this pace` : "enough at this pace"} testId="my-remaining" />
      <Stat label="Projected at period end" value={formatAmount(BigInt(limit.projectedMicros), unit)} hint="at the pace so far" />
    </div>
  );
}
