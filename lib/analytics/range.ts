/**
 * The time ranges the analytics screens offer, resolved on the server from the workspace's
 * budget period and "today" in its timezone. Pure: no DB, no clock (callers pass today).
 */
import { z } from "zod";

import {
  addDays,
  daysBetween,
  isDayKey,
  periodContaining,
  previousPeriod,
  type BudgetPeriod,
  type DayKey,
  type Period,
} from "../core/period";
import { dayKeyParam } from "../http/query";

export const RANGE_KEYS = ["period", "last-period", "7d", "30d", "90d", "custom"] as const;
export type RangeKey = (typeof RANGE_KEYS)[number];

/** Longest custom range, so one request can't ask for a decade of daily buckets. */
export const MAX_RANGE_DAYS = 400;

export const rangeSpecSchema = z
  .object({
    range: z.enum(RANGE_KEYS).default("period"),
    from: dayKeyParam.optional(),
    to: dayKeyParam.optional(),
  })
  .superRefine((v, ctx) => {
    if (v.range !== "custom") return;
    if (!v.from || !v.to) {
      ctx.addIssue({
        code: "custom",
        path: [v.from ? "to" : "from"],
        message: "a custom range needs from and to",
      });
      return;
    }
    // a bad day is already reported by its field; no arithmetic on it
    if (!isDayKey(v.from) || !isDayKey(v.to)) return;
    if (v.from > v.to)
      ctx.addIssue({ code: "custom", path: ["from"], message: "a custom range needs from ≤ to" });
    else if (daysBetween(v.from, v.to) >= MAX_RANGE_DAYS)
      ctx.addIssue({ code: "custom", path: ["to"], message: `at most ${MAX_RANGE_DAYS} days` });
  });
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

export function resolveRange(
  spec: RangeSpec,
  budgetPeriod: BudgetPeriod,
  today: DayKey,
): ResolvedRange {
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
  return {
    ...r,
    key: spec.range,
    label,
    toDate,
    previous,
    isCurrentPeriod: spec.range === "period",
  };
}
