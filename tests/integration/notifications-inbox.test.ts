/** The header bell's inbox: the caller's unread notifications only, newest first; marking one read. */
import { describe, expect, it } from "vitest";

import type { Actor } from "@/lib/auth/actor";
import { NotFoundError } from "@/lib/core/errors";
import { markRead, unreadInbox } from "@/lib/notifications/inbox";
import { listNotifications, markAllRead, REQUEST_NOTIFICATIONS } from "@/lib/notifications/notify";

import { TEST_NOW } from "../helpers/clock";
import { makeMember, testDb, workspaceWithAdmin } from "../helpers/db";

describe("notification inbox", () => {
  it("lists the caller's unread notifications, links in-app only, and marks one read", async () => {
    const db = await testDb();
    const { workspace, actor } = await workspaceWithAdmin(db);
    const other = await makeMember(db, workspace.id);
    const at = (min: number) => new Date(TEST_NOW.getTime() + min * 60_000);
    const make = (memberId: string, title: string, link: string | null, min: number) =>
      db.notification.create({
        data: {
          workspaceId: workspace.id,
          memberId,
          kind: "request.approved",
          title,
          body: "b",
          link,
          createdAt: at(min),
        },
      });
    const older = await make(actor.memberId, "older", "/requests", 1);
    await make(actor.memberId, "newer", "https://evil.example/x", 2);
    const theirs = await make(other.id, "theirs", "/alerts?id=1", 3);
    await make(actor.memberId, "read already", "/requests", 4).then((n) =>
      db.notification.update({ where: { id: n.id }, data: { readAt: TEST_NOW } }),
    );

    const inbox = await unreadInbox(db, actor);
    expect(inbox.unread).toBe(2);
    expect(inbox.items.map((i) => [i.title, i.link])).toEqual([
      ["newer", null],
      ["older", "/requests"],
    ]);

    await markRead(db, actor, older.id, TEST_NOW);
    await markRead(db, actor, older.id, TEST_NOW); // twice: still read, no error
    expect((await unreadInbox(db, actor)).unread).toBe(1);

    // someone else's notification is not found, and stays unread
    await expect(markRead(db, actor, theirs.id, TEST_NOW)).rejects.toBeInstanceOf(NotFoundError);
    const otherActor: Actor = { ...actor, memberId: other.id, role: "MEMBER" };
    expect((await unreadInbox(db, otherActor)).items.map((i) => i.title)).toEqual(["theirs"]);
  });

  it("the Requests screen lists and clears only request notifications; alerts stay in the bell", async () => {
    const db = await testDb();
    const { workspace, actor } = await workspaceWithAdmin(db);
    for (const kind of ["request.approved", "alert.threshold", "request.denied", "alert.anomaly"])
      await db.notification.create({
        data: { workspaceId: workspace.id, memberId: actor.memberId, kind, title: kind, body: "b" },
      });
    const onRequests = await listNotifications(db, actor, { kindPrefix: REQUEST_NOTIFICATIONS });
    expect(onRequests.map((n) => n.kind).sort()).toEqual(["request.approved", "request.denied"]);
    expect(await markAllRead(db, actor, TEST_NOW, REQUEST_NOTIFICATIONS)).toBe(2);
    const bell = await unreadInbox(db, actor);
    expect(bell.unread).toBe(2);
    expect(bell.items.map((i) => i.title).sort()).toEqual(["alert.anomaly", "alert.threshold"]);
  });
});
