/**
 * In-app notifications (webhook / email delivery comes with alerts). Written in the same
 * transaction as the change they announce.
 */
import "server-only";

import type { Actor } from "../auth/actor";
import type { Db, Tx } from "../db";

export interface NotificationInput {
  workspaceId: string;
  memberId: string;
  kind: string;
  title: string;
  body: string;
  link?: string;
}

export async function notify(tx: Tx, n: NotificationInput): Promise<void> {
  await tx.notification.create({
    data: {
      workspaceId: n.workspaceId,
      memberId: n.memberId,
      kind: n.kind,
      title: n.title,
      body: n.body,
      link: n.link ?? null,
    },
  });
}

export async function listNotifications(db: Db, actor: Actor, take = 20) {
  return db.notification.findMany({
    where: { workspaceId: actor.workspaceId, memberId: actor.memberId },
    orderBy: { createdAt: "desc" },
    take,
    select: {
      id: true,
      kind: true,
      title: true,
      body: true,
      link: true,
      readAt: true,
      createdAt: true,
    },
  });
}

export async function markAllRead(db: Db, actor: Actor, now: Date): Promise<number> {
  const r = await db.notification.updateMany({
    where: { workspaceId: actor.workspaceId, memberId: actor.memberId, readAt: null },
    data: { readAt: now },
  });
  return r.count;
}
