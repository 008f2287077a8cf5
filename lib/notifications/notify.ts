/**
 * In-app notifications (webhook / email delivery comes with alerts). Written in the same
 * transaction as the change they announce.
 */
import "server-only";

import type { Actor } from "../auth/actor";
import { now } from "../server/clock";
import type { Db, Tx } from "../server/db";

export interface NotificationInput {
  workspaceId: string;
  memberId: string;
  kind: string;
  title: string;
  body: string;
  link?: string;
  /** when; the app's clock by default (not the database's, so a pinned "today" shows) */
  at?: Date;
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
      createdAt: n.at ?? now(),
    },
  });
}

/** Notifications about credit requests (decided, expired): what the Requests screen lists. */
export const REQUEST_NOTIFICATIONS = "request.";

/** The member's latest notifications, of one family when `kindPrefix` is given (the bell has them all). */
export async function listNotifications(
  db: Db,
  actor: Actor,
  opts: { kindPrefix?: string; take?: number } = {},
) {
  return db.notification.findMany({
    where: {
      workspaceId: actor.workspaceId,
      memberId: actor.memberId,
      ...(opts.kindPrefix ? { kind: { startsWith: opts.kindPrefix } } : {}),
    },
    orderBy: { createdAt: "desc" },
    take: opts.take ?? 20,
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

export async function markAllRead(
  db: Db,
  actor: Actor,
  now: Date,
  kindPrefix?: string,
): Promise<number> {
  const r = await db.notification.updateMany({
    where: {
      workspaceId: actor.workspaceId,
      memberId: actor.memberId,
      readAt: null,
      ...(kindPrefix ? { kind: { startsWith: kindPrefix } } : {}),
    },
    data: { readAt: now },
  });
  return r.count;
}
