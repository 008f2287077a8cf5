/**
 * Append-only audit trail. Callers pass their transaction client so the event commits
 * (or rolls back) together with the change it describes.
 */
import type { Tx } from "./db";
import { toJsonText } from "./json";

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
}

export async function writeAudit(tx: Tx, event: AuditInput): Promise<void> {
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
    },
  });
}
