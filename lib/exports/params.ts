/**
 * The export filter as it arrives in a query string (the screen, the download link and
 * the preview share it): a budget period ("current" / "previous") or custom day keys,
 * plus the chargeback grouping dimensions.
 */
import { z } from "zod";

import {
  currentPeriod,
  daysBetween,
  isDayKey,
  previousPeriod,
  type BudgetPeriod,
  type Period,
} from "../core/period";
import { dayKeyParam, searchObject } from "../http/query";

export const CHARGEBACK_DIMENSIONS = [
  "cost_center",
  "group",
  "member",
  "product",
  "model",
  "provider",
] as const;
export type ChargebackDimension = (typeof CHARGEBACK_DIMENSIONS)[number];

export const CHARGEBACK_DIMENSION_LABELS: Record<ChargebackDimension, string> = {
  cost_center: "Cost center",
  group: "Group",
  member: "Member",
  product: "Product",
  model: "Model",
  provider: "Provider",
};

export const exportQuerySchema = z
  .object({
    period: z.enum(["current", "previous", "custom"]).default("current"),
    start: dayKeyParam.optional(),
    end: dayKeyParam.optional(),
    group_by: z
      .string()
      .max(200)
      .default("cost_center")
      .transform((s) =>
        s
          .split(",")
          .map((x) => x.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.enum(CHARGEBACK_DIMENSIONS)).max(CHARGEBACK_DIMENSIONS.length)),
  })
  .superRefine((q, ctx) => {
    if (q.period !== "custom") return;
    if (!q.start || !q.end)
      ctx.addIssue({
        code: "custom",
        path: [q.start ? "end" : "start"],
        message: "custom periods need start and end",
      });
    // a bad day is already reported by its field; no arithmetic on it
    else if (!isDayKey(q.start) || !isDayKey(q.end)) return;
    else if (daysBetween(q.start, q.end) < 0)
      ctx.addIssue({ code: "custom", path: ["end"], message: "end must not be before start" });
    else if (daysBetween(q.start, q.end) > 366 * 3)
      ctx.addIssue({ code: "custom", path: ["end"], message: "at most three years at once" });
  });

export type ExportQuery = z.infer<typeof exportQuerySchema>;

export function queryFromSearchParams(params: URLSearchParams): ExportQuery {
  return exportQuerySchema.parse(searchObject(params));
}

/** The day range an export covers, from the workspace's budget period when not custom. */
export function resolveExportPeriod(
  q: ExportQuery,
  workspace: { budgetPeriod: BudgetPeriod; timezone: string },
  now: Date,
): Period {
  if (q.period === "custom") return { start: q.start!, end: q.end! };
  const current = currentPeriod(workspace.budgetPeriod, workspace.timezone, now);
  return q.period === "previous" ? previousPeriod(current, workspace.budgetPeriod) : current;
}

/** Dimensions in canonical order without duplicates, so the same choice gives the same file. */
export function canonicalDimensions(dims: readonly ChargebackDimension[]): ChargebackDimension[] {
  return CHARGEBACK_DIMENSIONS.filter((d) => dims.includes(d));
}
