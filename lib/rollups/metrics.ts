/** The summed columns every derived usage table carries, and the month a day belongs to. */
import type { DayKey } from "../core/period";

/** The summed columns of every rollup and total table (daily rollup, member, group and cost-center totals). */
export const METRICS = [
  "inputTokens",
  "cachedInputTokens",
  "outputTokens",
  "requests",
  "estimatedCostMicros",
  "costMicros",
  "creditsMicros",
  "seatEstimateMicros",
  "seatCreditsMicros",
  "unpricedRequests",
] as const;

/** METRICS as a quoted column list. */
export const COLUMNS = METRICS.map((m) => `"${m}"`).join(", ");

/** "YYYY-MM" of a day key. */
export function monthOf(day: DayKey): string {
  return day.slice(0, 7);
}
