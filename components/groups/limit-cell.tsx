import { LimitStateBadge } from "@/components/members/limit-state";
import { Meter } from "@/components/ui/meter";
import { formatAmount, percentOf } from "@/lib/core/money";
import type { Serialized } from "@/lib/core/serialize";
import type { MyLimit } from "@/lib/limits/limits-screen";

/**
 * One member's effective limit in a table row (a group's members, Usage's people): used of
 * limit this period and its meter, then state and reason. `testIds` prefixes the test ids;
 * `compact` (a wide table) says only "no limit" for someone without one.
 */
export function LimitCell({
  limit,
  testIds = "group-member",
  compact = false,
}: {
  limit: Serialized<MyLimit> | undefined;
  testIds?: string;
  compact?: boolean;
}) {
  if (!limit) return <span className="text-xs text-slate-500">inactive member</span>;
  if (compact && limit.limitMicros === null)
    return (
      <span
        className="text-xs text-slate-500"
        title={limit.reason}
        data-testid={`${testIds}-limit`}
      >
        no limit
      </span>
    );
  const fmt = (m: string) => formatAmount(BigInt(m), limit.unit);
  const cap = limit.limitMicros === null ? null : BigInt(limit.limitMicros);
  const used = BigInt(limit.usedMicros);
  return (
    <div
      className="flex flex-col items-end gap-1"
      title={limit.reason}
      data-testid={`${testIds}-limit`}
    >
      <span className="tabular whitespace-nowrap">
        {fmt(limit.usedMicros)} <span className="text-slate-500">of</span>{" "}
        {limit.limitMicros === null ? "unlimited" : fmt(limit.limitMicros)}
      </span>
      {cap !== null && (
        <span className="w-40 max-w-full">
          <Meter
            size="sm"
            usedPct={cap > 0n ? percentOf(used, cap) : 100}
            projectedPct={cap > 0n ? percentOf(BigInt(limit.projectedMicros), cap) : null}
            softPct={limit.softThresholdPct}
            state={limit.state}
            label={`${fmt(limit.usedMicros)} used of ${fmt(limit.limitMicros!)}`}
            testId={`${testIds}-meter`}
          />
        </span>
      )}
      <span className="flex flex-wrap items-center justify-end gap-1.5 text-xs text-slate-500">
        <LimitStateBadge limit={limit} />
        <span data-testid={`${testIds}-limit-reason`}>{limit.reason}</span>
      </span>
    </div>
  );
}
