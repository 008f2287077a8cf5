/** Everything the Requests screen shows, for one actor: own limit and requests, notifications, and the queue. */
import "server-only";

import { z } from "zod";

import type { Actor } from "../auth/actor";
import { can } from "../auth/permissions";
import { visibleGroupsWhere } from "../auth/scope";
import { getMyLimit } from "../limits/limits-screen";
import { listNotifications, REQUEST_NOTIFICATIONS } from "../notifications/notify";
import type { Db } from "../server/db";
import { canDecideRequests, listMyRequests, listQueue, type QueueFilters } from "./request-queue";

export const queueFiltersSchema = z.object({
  status: z.enum(["PENDING", "APPROVED", "DENIED", "CANCELLED", "EXPIRED", "ALL"]).optional(),
  groupId: z.string().max(64).optional(),
  product: z.string().max(40).optional(),
});

export async function getRequestsPage(db: Db, actor: Actor, filters: QueueFilters, now: Date) {
  const decider = canDecideRequests(actor);
  const [myLimit, mine, notifications, queue, groups] = await Promise.all([
    getMyLimit(db, actor, now),
    listMyRequests(db, actor, now),
    listNotifications(db, actor, { kindPrefix: REQUEST_NOTIFICATIONS }), // alerts are in the bell
    decider ? listQueue(db, actor, filters, now) : Promise.resolve(null),
    decider
      ? db.group.findMany({
          // the groups whose requests this decider may decide: all of them, or those they manage
          where: visibleGroupsWhere(actor, can(actor, "requests:decide:all")),
          select: { id: true, name: true },
          orderBy: { name: "asc" },
        })
      : Promise.resolve([]),
  ]);
  return {
    me: { memberId: actor.memberId, email: actor.email },
    myLimit,
    mine,
    notifications: notifications.map((n) => ({
      ...n,
      createdAt: n.createdAt.toISOString(),
      readAt: n.readAt?.toISOString() ?? null,
    })),
    canDecide: decider,
    queue: queue?.items ?? [],
    groups,
    filters,
  };
}
export type RequestsPage = Awaited<ReturnType<typeof getRequestsPage>>;
