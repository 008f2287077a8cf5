import { LimitStateBadge } from "@/components/members/limit-state";
import { formatAmount } from "@/lib/core/money";
import type { Serialized } from "@/lib/core/serialize";
import type { MyLimit } from "@/lib/limits/limits-screen";

/** One member's effective limit in the group table: used of limit this period, then state and reason. */
export function LimitCell({ limit }: { limit: Serialized<MyLimit> | undefined }) {
  if (!limit) return <span className="text-xs text-slate-500">inactive member</span>;
  const fmt = (m: string) => formatAmount(BigInt(m), limit.unit);
  return (
    <div
      className="flex flex-col items-end gap-1"
      title={limit.reason}
      data-testid="group-member-limit"
    >
      <span className="tabular whitespace-nowrap">
        {fmt(limit.usedMicros)} <span className="text-slate-500">of</span>{" "}
        {limit.limitMicros === null ? "unlimited" : fmt(limit.limitMicros)}
      </span>
      <span className="flex flex-wrap items-center justify-end gap-1.5 text-xs text-slate-500">
        <LimitStateBadge limit={limit} />
        <span data-testid="group-member-limit-reason">{limit.reason}</span>
      </span>
    </div>
  );
}
