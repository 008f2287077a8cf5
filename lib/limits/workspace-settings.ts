/**
 * The workspace's budget settings (owner): budget unit, period and timezone. They decide
 * how every limit is read, so changes are audited like limits.
 */
import "server-only";
import { z } from "zod";
import { auditActor, type Actor } from "../auth/actor";
import { can } from "../auth/permissions";
import { writeAudit } from "../audit";
import type { Db } from "../db";
import { ForbiddenError } from "../errors";
import { isValidTimezone } from "../period";

export const workspaceSettingsSchema = z.object({
  budgetUnit: z.enum(["CREDITS", "USD"]),
  budgetPeriod: z.enum(["MONTHLY", "WEEKLY", "DAILY"]),
  timezone: z.string().trim().min(1).max(64).refine(isValidTimezone, { message: "Use an IANA timezone such as Europe/Berlin" }),
});
export type WorkspaceSettings = z.infer<typeof workspaceSettingsSchema>;

export async function getWorkspaceSettings(db: Db, actor: Actor): Promise<WorkspaceSettings & { name: string }> {
  const ws = await db.workspace.findUniqueOrThrow({ where: { id: actor.workspaceId }, select: { name: true, budgetUnit: true, budgetPeriod: true, timezone: true } });
  return ws;
}

export async function updateWorkspaceSettings(db: Db, actor: Actor, input: WorkspaceSettings): Promise<void> {
  if (!can(actor, "settings:manage")) throw new ForbiddenError("Only the workspace owner changes workspace settings");
  await db.$transaction(async (tx) => {
    const before = await tx.workspace.findUniqueOrThrow({ where: { id: actor.workspaceId }, select: { budgetUnit: true, budgetPeriod: true, timezone: true } });
    await tx.workspace.update({ where: { id: actor.workspaceId }, data: input });
    await writeAudit(tx, { workspaceId: actor.workspaceId, actor: auditActor(actor), action: "workspace.settings", targetType: "Workspace", targetId: actor.workspaceId, before, after: input });
  });
}
