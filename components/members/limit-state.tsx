import { formatAmount, percentOf } from "@/lib/core/money";
import type { Serialized } from "@/lib/core/serialize";
import type { MyLimit } from "@/lib/limits/limits-screen";

const BADGE: Record<string, string> = {
  over: "bg-red-100 text-red-800",
  soft: "bg-amber-100 text-amber-800",
  ok: "bg-emerald-50 text-emerald-700",
};
const ACTION: Record<string, string> = {
  BLOCK: "calls are blocked",
  ALERT_ONLY: "only an alert",
  DEGRADE: "calls are degraded",
  QUEUE: "calls are queued",
};

/** Where a member stands against their limit: ok, past the soft threshold, or over — in words. */
export function limitStateLabel(
  l: Pick<Serialized<MyLimit>, "state" | "softThresholdPct" | "limitMicros">,
): string {
  if (l.limitMicros === null) return "no limit";
  if (l.state === "over") return "over the limit";
  if (l.state === "soft") return `past ${l.softThresholdPct}% soft threshold`;
  return "within limit";
}

export function LimitStateBadge({ limit }: { limit: Serialized<MyLimit> }) {
  const cls = limit.limitMicros === null ? "bg-slate-100 text-slate-600" : BADGE[limit.state];
  return (
    <span
      className={`rounded px-1.5 py-0.5 text-xs font-medium whitespace-nowrap ${cls}`}
      data-testid="limit-state"
    >
      {limitStateLabel(limit)}
    </span>
  );
}

/** "used 700.00 of 800.00 credits (88%) · soft threshold 80% = 640.00 credits · at the limit calls are blocked" */
export function limitPolicyLine(limit: Serialized<MyLimit>): string {
  const used = BigInt(limit.usedMicros);
  if (limit.limitMicros === null)
    return `used ${formatAmount(used, limit.unit)} · no limit applies this period`;
  const cap = BigInt(limit.limitMicros);
  const soft = (cap * BigInt(limit.softThresholdPct)) / 100n;
  const pct = cap > 0n ? ` (${percentOf(used, cap)}%)` : "";
  return `used ${formatAmount(used, limit.unit)} of ${formatAmount(cap, limit.unit)}${pct} · soft threshold ${limit.softThresholdPct}% = ${formatAmount(soft, limit.unit)} · at the limit ${ACTION[limit.action] ?? limit.action.toLowerCase()}`;
}
