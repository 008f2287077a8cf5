/** Saves alert rule settings (one row per kind) with their audit event. */
import "server-only";

import { writeAudit } from "../audit/audit";
import { auditActor, type Actor } from "../auth/actor";
import type { Db } from "../server/db";
import { ALERT_KINDS, loadRuleSettings, ruleFormOf, type RuleUpdate } from "./rules";

export async function updateRules(
  db: Db,
  actor: Actor,
  input: RuleUpdate,
  /** when: the app's clock unless given (the demo seed dates its setup over past weeks) */
  at?: Date,
): Promise<RuleUpdate> {
  const before = ruleFormOf(await loadRuleSettings(db, actor.workspaceId));
  const config: Record<string, unknown> = {
    threshold: { percents: [...new Set(input.thresholds)].sort((a, b) => a - b) },
    anomaly: { selfFactor: input.anomalySelfFactor, floorUsd: input.anomalyFloorUsd },
  };
  await db.$transaction(async (tx) => {
    for (const kind of ALERT_KINDS) {
      const configJson = JSON.stringify(config[kind] ?? {});
      await tx.alertRule.upsert({
        where: { workspaceId_kind: { workspaceId: actor.workspaceId, kind } },
        create: { workspaceId: actor.workspaceId, kind, enabled: input.enabled[kind], configJson },
        update: { enabled: input.enabled[kind], configJson },
      });
    }
    await writeAudit(tx, {
      workspaceId: actor.workspaceId,
      actor: auditActor(actor),
      action: "alert_rules.update",
      targetType: "alert_rules",
      targetId: actor.workspaceId,
      before,
      after: input,
      at,
    });
  });
  return ruleFormOf(await loadRuleSettings(db, actor.workspaceId));
}
