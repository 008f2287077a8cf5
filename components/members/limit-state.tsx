import type { MyLimit } from "@/lib/limits/overview";
import { formatAmount } from "@/lib/money";
import type { Serialized } from "@/lib/serialize";

const BADGE: Record<string, string> = {
  over: "bg-red-100 text-red-800",
  soft: "bg-amber-100 text-amber-800",
  ok: "bg-emerald-50 text-emerald-700",
};
const ACTION: Record<string, string> = { BLOCK: "calls are blocked", ALERT_ONLY: "only an alert", DEGRADE: "calls are degraded", QUEUE: "calls are queued" };

/** Where a member stands against their limit: ok, past the soft threshold, or over — in words. */
export function limitStateLabel(l: Pick<Serialized<MyLimit>, "state" | "softThresholdPct" | "limitMicros">): string {
  if (l.limitMicros === null) return "no limit";
  if (l.state === "over") return "over the limit";
  if (l.state === "soft") return `past ${l.softThresholdPct}% soft threshold`;
  return "within limit";
}

export function LimitStateBadge({ limit }: { limit: Serialized<MyLimit> }) {
  const cls = limit.limitMicros === null ? "bg-slate-100 text-slate-600" : BADGE[limit.state];
  return (
    <span className={`whitespace-nowrap rounded px-1.5 py-0.5 text-xs font-medium ${cls}`} data-testid="limit-state">
      {limitStateLabel(limit)}
    </span>
  );
}

/** "soft threshold 80% = 640.00 credits · at the limit calls are blocked" */
export function limitPolicyLine(limit: Serialized<MyLimit>): string {
  if (limit.limitMicros === null) return "no limit applies this period";
  const soft = (BigInt(limit.limitMicros) * BigInt(limit.softThresholdPct)) / 100n;
  return `soft threshold ${limit.softThresholdPct}% = ${formatAmount(soft, limit.unit)} · at the limit ${ACTION[limit.action] ?? limit.action.toLowerCase()}`;
}
