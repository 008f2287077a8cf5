import { formatAmount, type Unit } from "@/lib/core/money";

/**
 * "Seat plans, estimated": use covered by seat or plan fees (Claude seats' Claude Code and chat,
 * GitHub Copilot's and Cursor's included usage) is not invoiced per use, so its estimate is never
 * inside spent or billed figures; it is shown as its own line wherever spend is totalled
 * (docs/billing.md). Renders nothing when there is none.
 */
export function SeatEstimateNote({
  micros,
  unit,
  className = "",
  countsAgainstLimits,
}: {
  micros: bigint | string;
  unit: Unit;
  className?: string;
  countsAgainstLimits?: boolean;
}) {
  const value = BigInt(micros);
  if (value === 0n) return null;
  return (
    <p className={`text-xs text-slate-600 ${className}`} data-testid="seat-estimate">
      <span className="font-medium text-slate-700">
        Seat plans, estimated: {formatAmount(value, unit)}
      </span>{" "}
      · use covered by seat or plan fees is not invoiced per use; not included in spend or billed
      {countsAgainstLimits === true && ", but counted against limits"}
      {countsAgainstLimits === false && ", nor counted against limits"}
    </p>
  );
}
