/**
 * The time ranges the analytics screens offer, resolved on the server from the workspace's
 * budget period and "today" in its timezone. Pure: no DB, no clock (callers pass today).
 */
import { z } from "zod";
import { addDays, daysBetween, isDayKey, periodContaining, previousPeriod, type BudgetPeriod, type DayKey, type Period } from "../period";

export const RANGE_KEYS = ["period", "last-period", "7d", "30d", "90d", "custom"] as const;
export type RangeKey = (typeof RANGE_KEYS)[number];

/** Longest custom range, so one request can't ask for a decade of daily buckets. */
export const MAX_RANGE_DAYS = 400;

const dayKey = z.string().refine(isDayKey, "must be a date YYYY-MM-DD");

export const rangeSpecSchema = z
  .object({ range: z.enum(RANGE_KEYS).default("period"), from: dayKey.optional(), to: dayKey.optional() })
  .refine((v) => v.range !== "custom" || (v.from && v.to && v.from <= v.to), { message: "a custom range needs from ≤ to", path: ["from"] })
  .refine((v) => v.range !== "custom" || !v.from || !v.to || daysBetween(v.from, v.to) < MAX_RANGE_DAYS, { message: `at most ${MAX_RANGE_DAYS} days`, path: ["to"] });
export type RangeSpec = z.infer<typeof rangeSpecSchema>;

export interface ResolvedRange extends Period {
  key: RangeKey;
  label: string;
  /** the part of the range up to today (the whole range when it lies in the past) */
  toDate: Period;
  /** the equal-length range right before `toDate`, for "change vs previous period" */
  previous: Period;
  /** true when the range is the budget period that contains today */
  isCurrentPeriod: boolean;
}

export function resolveRange(spec: RangeSpec, budgetPeriod: BudgetPeriod, today: DayKey): ResolvedRange {
  let r: Period;
  let label: string;
  switch (spec.range) {
    case "last-period":
      r = previousPeriod(periodContaining(today, budgetPeriod), budgetPeriod);
      label = "Last budget period";
      break;
    case "7d":
    case "30d":
    case "90d": {
      const n = Number(spec.range.slice(0, -1));
      r = { start: addDays(today, -(n - 1)), end: today };
      label = `Last ${n} days`;
      break;
    }
    case "custom":
      r = { start: spec.from!, end: spec.to! };
      label = `${spec.from} – ${spec.to}`;
      break;
    default:
      r = periodContaining(today, budgetPeriod);
      label = "This budget period";
  }
  const end = r.end > today && r.start <= today ? today : r.end;
  const toDate = { start: r.start, end };
  const len = daysBetween(toDate.start, toDate.end) + 1;
  const previous = { start: addDays(toDate.start, -len), end: addDays(toDate.start, -1) };
  return { ...r, key: spec.range, label, toDate, previous, isCurrentPeriod: spec.range === "period" };
}
