import "server-only";

/**
 * The signed-in person's notification inbox, as the header's bell shows it: what is unread
 * (newest first) and how much, and marking one or all read. Scoped to the actor's own rows:
 * someone else's notification answers "not found".
 */
import type { Actor } from "../auth/actor";
import { NotFoundError } from "../core/errors";
import type { Db } from "../server/db";

export interface InboxItem {
  id: string;
  kind: string;
  title: string;
  body: string;
  /** where the object lives in the app (a request, an alert, a limit); null = nowhere to go */
  link: string | null;
  createdAt: string;
}

export interface Inbox {
  unread: number;
  items: InboxItem[];
}

/** Only in-app paths are links: a notification never sends the browser elsewhere. */
function inAppLink(link: string | null): string | null {
  return link && link.startsWith("/") && !link.startsWith("//") ? link : null;
}

export async function unreadInbox(db: Db, actor: Actor, take = 10): Promise<Inbox> {
  const where = { workspaceId: actor.workspaceId, memberId: actor.memberId, readAt: null };
  const [unread, rows] = await Promise.all([
    db.notification.count({ where }),
    db.notification.findMany({
      where,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take,
      select: { id: true, kind: true, title: true, body: true, link: true, createdAt: true },
    }),
  ]);
  return {
    unread,
    items: rows.map((r) => ({
      ...r,
      link: inAppLink(r.link),
      createdAt: r.createdAt.toISOString(),
    })),
  };
}

/** Marks one of the actor's notifications read (already read: unchanged); 404 for anyone else's. */
export async function markRead(db: Db, actor: Actor, id: string, now: Date): Promise<void> {
  const mine = await db.notification.findFirst({
    where: { id, workspaceId: actor.workspaceId, memberId: actor.memberId },
    select: { id: true },
  });
  if (!mine) throw new NotFoundError("Notification not found");
  await db.notification.updateMany({ where: { id, readAt: null }, data: { readAt: now } });
}
