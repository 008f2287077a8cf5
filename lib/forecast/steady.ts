/**
 * For tests: a subject who has spent the same amount every day — the lookback and this
 * period so far — so that the forecast reduces to the straight line of the pace so far. Lets
 * the older tests of period math (month ends, leap days, New Year) keep checking the days.
 */
import { addDays, daysBetween, type DayKey, type Period } from "../core/period";
import { LOOKBACK_DAYS, type DailyHistory } from "./model";
import { project } from "./projection";

export function steadyHistory(perDay: bigint, today: DayKey): DailyHistory {
  const h = new Map<DayKey, bigint>();
  for (let i = 0; i <= LOOKBACK_DAYS; i++) h.set(addDays(today, -i), perDay);
  return h;
}

function steady(used: bigint, remaining: bigint | null, period: Period, today: DayKey) {
  const elapsed = BigInt(
    Math.max(
      1,
      Math.min(daysBetween(period.start, today) + 1, daysBetween(period.start, period.end) + 1),
    ),
  );
  return project({
    usedMicros: used,
    remainingMicros: remaining,
    period,
    today,
    history: steadyHistory(used / elapsed, today),
  });
}

/** Period-end spend of a steady spender who has used `used` so far. */
export function steadyPeriodEnd(used: bigint, period: Period, today: DayKey): bigint {
  return steady(used, null, period, today).projectedMicros;
}

/** The day a steady spender runs out (earliest = latest for a steady history). */
export function steadyExhaustion(
  used: bigint,
  remaining: bigint | null,
  period: Period,
  today: DayKey,
): DayKey | null {
  return steady(used, remaining, period, today).exhaustionDay;
}
