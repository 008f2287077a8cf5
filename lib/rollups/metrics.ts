/** The summed columns every derived usage table carries, the SQL every delta writes over them, and the month a day belongs to. */
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

/** `ON CONFLICT (key) DO UPDATE` adding each column's new value to the row already there (`table` quoted). */
export function addOnConflict(table: string, key: string, columns: readonly string[]): string {
  return `ON CONFLICT (${key}) DO UPDATE SET ${columns.map((c) => `"${c}" = ${table}."${c}" + excluded."${c}"`).join(", ")}`;
}

/** `"a" = 0 AND "b" = 0 …`: a row whose every one of these columns is 0. */
export function allZero(columns: readonly string[]): string {
  return columns.map((c) => `"${c}" = 0`).join(" AND ");
}
