/**
 * Alert rule settings per workspace: which kinds run and their parameters. A kind without
 * a stored AlertRule row runs with the defaults below (so alerts work out of the box).
 */
import "server-only";

import { z } from "zod";

import type { Db } from "../server/db";
import { DEFAULT_ANOMALY, type AnomalySettings } from "./anomaly";
import { ALERT_KINDS, type AlertKind, type RuleUpdate } from "./rule-kinds";

export {
  ALERT_KINDS,
  ALERT_KIND_LABELS,
  ruleUpdateSchema,
  type AlertKind,
  type RuleUpdate,
} from "./rule-kinds";

export const thresholdConfigSchema = z.object({
  percents: z.array(z.number().int().min(1).max(1000)).min(1).max(10).default([50, 80, 100]),
});
export const anomalyConfigSchema = z.object({
  selfFactor: z.number().min(1.5).max(1000).default(DEFAULT_ANOMALY.selfFactor),
  groupFactor: z.number().min(1).max(1000).default(DEFAULT_ANOMALY.groupFactor),
  /** USD, as a decimal string */
  floorUsd: z
    .string()
    .regex(/^\d+(\.\d{1,6})?$/)
    .default("25"),
  baselineDays: z.number().int().min(3).max(60).default(DEFAULT_ANOMALY.baselineDays),
});

export interface RuleSettings {
  enabled: Record<AlertKind, boolean>;
  thresholds: number[];
  anomaly: AnomalySettings;
}

function floorMicros(text: string): bigint {
  const [whole = "0", frac = ""] = text.split(".");
  return BigInt(whole) * 1_000_000n + BigInt((frac + "000000").slice(0, 6));
}

export async function loadRuleSettings(db: Db, workspaceId: string): Promise<RuleSettings> {
  const rows = await db.alertRule.findMany({ where: { workspaceId } });
  const byKind = new Map(rows.map((r) => [r.kind, r]));
  const parse = <S extends z.ZodType>(schema: S, kind: AlertKind): z.infer<S> => {
    const raw = byKind.get(kind)?.configJson ?? "{}";
    const parsed = schema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : schema.parse({});
  };
  const anomaly = parse(anomalyConfigSchema, "anomaly");
  return {
    enabled: Object.fromEntries(
      ALERT_KINDS.map((k) => [k, byKind.get(k)?.enabled ?? true]),
    ) as Record<AlertKind, boolean>,
    thresholds: [...new Set(parse(thresholdConfigSchema, "threshold").percents)].sort(
      (a, b) => a - b,
    ),
    anomaly: {
      selfFactor: anomaly.selfFactor,
      groupFactor: anomaly.groupFactor,
      floorMicros: floorMicros(anomaly.floorUsd),
      baselineDays: anomaly.baselineDays,
    },
  };
}

/** Rule settings as the settings form shows them. */
export function ruleFormOf(s: RuleSettings): RuleUpdate {
  const whole = s.anomaly.floorMicros / 1_000_000n;
  const frac = (s.anomaly.floorMicros % 1_000_000n).toString().padStart(6, "0").replace(/0+$/, "");
  return {
    enabled: s.enabled,
    thresholds: s.thresholds,
    anomalySelfFactor: s.anomaly.selfFactor,
    anomalyFloorUsd: frac ? `${whole}.${frac}` : `${whole}`,
  };
}
