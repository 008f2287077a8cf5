/** The FOCUS export as one use case: resolve the period, audit, stream. */
import "server-only";

import { writeAudit } from "../audit/audit";
import { auditActor, type Actor } from "../auth/actor";
import type { BudgetPeriod } from "../core/period";
import type { Db } from "../server/db";
import { focusCsvStream, focusFileName } from "./focus";
import { resolveExportPeriod, type ExportQuery } from "./params";

export async function startFocusExport(db: Db, actor: Actor, q: ExportQuery, now: Date) {
  const ws = await db.workspace.findUniqueOrThrow({
    where: { id: actor.workspaceId },
    select: { id: true, name: true, budgetPeriod: true, timezone: true },
  });
  const period = resolveExportPeriod(
    q,
    { budgetPeriod: ws.budgetPeriod as BudgetPeriod, timezone: ws.timezone },
    now,
  );
  const fileName = focusFileName(actor.workspaceSlug, period);
  await db.$transaction(async (tx) => {
    await writeAudit(tx, {
      workspaceId: actor.workspaceId,
      actor: auditActor(actor),
      action: "export.focus",
      targetType: "export",
      targetId: fileName,
      after: { kind: "focus-1.2", period },
    });
  });
  return {
    fileName,
    period,
    stream: focusCsvStream(db, { workspace: { id: ws.id, name: ws.name }, period }),
  };
}
