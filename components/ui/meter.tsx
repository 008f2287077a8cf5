/**
 * Used of a limit as a horizontal meter: the used share filled in the state's colour, the
 * projection as a ghost behind it, the soft threshold as a tick. "md" is My budget's meter,
 * "sm" the compact one a table row carries (the group page's members).
 */
const FILL: Record<string, string> = {
  ok: "bg-emerald-500",
  soft: "bg-amber-500",
  over: "bg-red-500",
};

export function Meter({
  usedPct,
  projectedPct,
  softPct,
  state,
  label,
  size = "md",
  testId,
}: {
  usedPct: number;
  projectedPct: number | null;
  softPct: number | null;
  /** "ok" | "soft" | "over" (LimitState) */
  state: string;
  /** what the meter says in words, for screen readers */
  label: string;
  size?: "md" | "sm";
  testId?: string;
}) {
  const w = (n: number) => `${Math.max(0, Math.min(100, n))}%`;
  return (
    <div
      className={`relative w-full overflow-hidden rounded-full bg-slate-100 ${size === "sm" ? "h-1.5" : "h-3"}`}
      role="meter"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.min(100, Math.round(usedPct))}
      data-testid={testId}
    >
      {projectedPct !== null && projectedPct > usedPct && (
        <div
          className="absolute inset-y-0 left-0 rounded-full bg-slate-300/70"
          style={{ width: w(projectedPct) }}
          aria-hidden="true"
        />
      )}
      <div
        className={`absolute inset-y-0 left-0 rounded-full ${FILL[state] ?? FILL.ok}`}
        style={{ width: w(usedPct) }}
        aria-hidden="true"
      />
      {softPct !== null && (
        <div
          className="absolute inset-y-0 w-0.5 bg-slate-500/60"
          style={{ left: w(softPct) }}
          aria-hidden="true"
        />
      )}
    </div>
  );
}
