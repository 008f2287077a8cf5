/**
 * Projection of spend to the period end, and the days a limit runs out: the forecast's band
 * (lib/forecast/model.ts, docs/forecast.md) read the way every screen and alert needs it.
 * The one projection rule behind the Overview, My budget, the Limits screen, requests and
 * alerts, so every screen shows the same figures. Integer micro-units only.
 */
import type { DayKey, Period } from "../core/period";
import {
  forecast,
  runOutRange,
  type DailyHistory,
  type Forecast,
  type PerMemberHistory,
} from "./model";

export interface ProjectionInput {
  /** spend so far this period, as the meter counts it */
  usedMicros: bigint;
  /** what is left before the limit (member and pools); null = no limit */
  remainingMicros: bigint | null;
  period: Period;
  today: DayKey;
  /** the subject's daily spend over the lookback (lib/forecast/history.ts) */
  history: DailyHistory;
  /** the group's history per member, for a member whose own is short */
  fallback?: PerMemberHistory | null;
}

export interface Projection {
  /** the forecast's mid: the period-end spend shown as "projected" */
  projectedMicros: bigint;
  projectedLowMicros: bigint;
  projectedHighMicros: bigint;
  /** the earliest day the limit runs out (the band's high side); null = not this period */
  exhaustionDay: DayKey | null;
  /** the latest day (the band's low side); null = maybe not this period */
  exhaustionLatestDay: DayKey | null;
  forecast: Forecast;
}

export function project(input: ProjectionInput): Projection {
  const f = forecast({
    history: input.history,
    fallback: input.fallback ?? null,
    spentMicros: input.usedMicros,
    period: input.period,
    today: input.today,
  });
  const range =
    input.remainingMicros === null ? null : runOutRange(f, f.spentMicros + input.remainingMicros);
  return {
    projectedMicros: f.midMicros,
    projectedLowMicros: f.lowMicros,
    projectedHighMicros: f.highMicros,
    exhaustionDay: range?.earliest ?? null,
    exhaustionLatestDay: range ? range.latest : null,
    forecast: f,
  };
}
