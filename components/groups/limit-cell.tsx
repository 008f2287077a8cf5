import { LimitStateBadge } from "@/components/members/limit-state";
import type { MyLimit } from "@/lib/limits/overview";
import { formatAmount } from "@/lib/money";
import type { Serialized } from "@/lib/serialize";

/** One member's effective limit in the group table: used of limit this period, state, and the reason. */
export function LimitCell({ limit }: { limit: Serialized<MyLimit> | undefined }) {
  if (!limit) return <span className="text-xs text-slate-500">inactive</span>;
  const fmt = (m: string) => formatAmount(BigInt(m), limit.unit);
  return (
    <div className="flex flex-col items-end gap-0.5" title={limit.reason} data-testid="group-member-limit">
      <span className="whitespace-nowrap">
        {limit.limitMicros === null ? (
          <>{fmt(limit.usedMicros)} used · unlimited</>
        ) : (
          <>
            {fmt(limit.usedMicros)} <span className="text-slate-500">of</span> {fmt(limit.limitMicros)}
          </>
        )}{" "}
        <LimitStateBadge limit={limit} />
      </span>
      <span className="text-xs text-slate-500" data-testid="group-member-limit-reason">{limit.reason}</span>
    </div>
  );
}
