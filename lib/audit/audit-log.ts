/** Reading the audit trail (finance and owners): newest first, one workspace only. */
import "server-only";

import type { Db } from "../server/db";

export interface AuditQuery {
  workspaceId: string;
  limit: number;
  /** id of the last event of the previous page */
  before?: number;
}

export async function listAuditEvents(db: Db, q: AuditQuery) {
  const events = await db.auditEvent.findMany({
    where: { workspaceId: q.workspaceId, ...(q.before ? { id: { lt: q.before } } : {}) },
    orderBy: { id: "desc" },
    take: q.limit,
  });
  return events.map((e) => ({
    id: e.id,
    at: e.createdAt.toISOString(),
    actor: e.actorLabel,
    action: e.action,
    target: `${e.targetType}:${e.targetId}`,
    before: e.beforeJson,
    after: e.afterJson,
  }));
}
