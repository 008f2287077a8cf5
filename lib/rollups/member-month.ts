/**
 * UsageMemberMonth is UsageDailyRollup summed by calendar month, kept by deltas in the same
 * transaction as the daily rollup (month-deltas.ts; rebuild-days.ts drives it). A month row
 * at zero stays while a daily row is behind it: the daily rollup keeps its rows of zeros.
 */
import { METRICS } from "./metrics";
import type { MonthTable } from "./month-deltas";

export const MEMBER_MONTH: MonthTable = {
  table: "UsageMemberMonth",
  from: "UsageDailyRollup",
  by: ["memberKey", "product", "model", "provider"],
  columns: METRICS,
  keepWhileDays: true,
  dayRange: false,
};
