/** Alert kinds and the rule settings form (pure: shared by the settings UI and the server). */
import { z } from "zod";

export const ALERT_KINDS = [
  "threshold",
  "hard_limit",
  "projection",
  "anomaly",
  "vendor_over_allowance",
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export const ALERT_KIND_LABELS: Record<AlertKind, string> = {
  threshold: "Soft thresholds",
  hard_limit: "Hard limit reached",
  projection: "Projected to run out before period end",
  anomaly: "Burn-rate anomaly",
  vendor_over_allowance: "A vendor allows more than Allotment",
};

export const ruleUpdateSchema = z.object({
  // vendor_over_allowance defaults to on: forms saved before it existed do not switch it off
  enabled: z.object({
    threshold: z.boolean(),
    hard_limit: z.boolean(),
    projection: z.boolean(),
    anomaly: z.boolean(),
    vendor_over_allowance: z.boolean().default(true),
  }),
  thresholds: z.array(z.number().int().min(1).max(1000)).min(1).max(10),
  anomalySelfFactor: z.number().min(1.5).max(1000),
  anomalyFloorUsd: z
    .string()
    .max(20, "a dollar amount like 25 or 12.50")
    .regex(/^\d+(\.\d{1,6})?$/, "a dollar amount like 25 or 12.50"),
});
export type RuleUpdate = z.infer<typeof ruleUpdateSchema>;
