/**
 * Append-only audit trail. Callers pass their transaction client so the event commits
 * (or rolls back) together with the change it describes.
 */
import { toJsonText } from "../core/json";
import { now } from "../server/clock";
import type { Tx } from "../server/db";

export interface AuditActor {
  memberId: string | null;
  /** who did it, readable: an email, "token:<name>", "system", "cli" */
  label: string;
}

export const SYSTEM_ACTOR: AuditActor = { memberId: null, label: "system" };

export interface AuditInput {
  workspaceId: string;
  actor: AuditActor;
  action: string;
  targetType: string;
  targetId: string;
  before?: unknown;
  after?: unknown;
  /** when it happened; the app's clock by default (not the database's, so a pinned "today" shows) */
  at?: Date;
}

/**
 * Writes the event and moves the workspace's configVersion in the same transaction, so
 * anything cached against lib/server/workspace-version.ts sees the change on its next read.
 */
export async function writeAudit(tx: Tx, event: AuditInput): Promise<void> {
  await tx.workspace.update({
    where: { id: event.workspaceId },
    data: { configVersion: { increment: 1 } },
    select: { id: true },
  });
  await tx.auditEvent.create({
    data: {
      workspaceId: event.workspaceId,
      actorId: event.actor.memberId,
      actorLabel: event.actor.label,
      action: event.action,
      targetType: event.targetType,
      targetId: event.targetId,
      beforeJson: event.before === undefined ? null : toJsonText(event.before),
      afterJson: event.after === undefined ? null : toJsonText(event.after),
      createdAt: event.at ?? now(),
    },
  });
}
