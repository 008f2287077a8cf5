/**
 * One scope for "the members of the groups I manage" (lib/auth/scope.ts): a manager of one
 * group sees and decides for that group's people only — never a member of another group of
 * their workspace, never a member or group of another workspace, even when a membership or
 * manager row points across workspaces — through every path that asks: the spend scope,
 * the explorer and its CSV export, the group pages, the Members and Groups screens, the
 * request queue and its decisions, and the Limits screen.
 */
import { describe, expect, it } from "vitest";

import { explorerBreakdown, exportBreakdown } from "@/lib/analytics/breakdown";
import { getGroupSummary, listGroups as listSpendGroups } from "@/lib/analytics/group";
import { loadActor, type Actor } from "@/lib/auth/actor";
import { spendScopeFor } from "@/lib/auth/scope";
import { NotFoundError } from "@/lib/core/errors";
import { getLimitsOverview } from "@/lib/limits/limits-screen";
import { createPolicySchema } from "@/lib/limits/policy-input";
import { createPolicy } from "@/lib/limits/write-policy";
import { listGroups } from "@/lib/people/groups";
import { listMembers } from "@/lib/people/members";
import { assertMayDecide } from "@/lib/requests/decide-credit-request";
import { fileRequest } from "@/lib/requests/file-request";
import { fileRequestSchema } from "@/lib/requests/request-input";
import { listQueue, pendingCountFor } from "@/lib/requests/request-queue";

import { TEST_NOW, TEST_TODAY } from "../helpers/clock";
import { makeMember, makeWorkspace, testDb } from "../helpers/db";
import { actorOf, addUsage, limitsWorkspace } from "./limits-fixtures";

const REASON = "Migrating the billing service to the new agent workflow";

async function setup() {
  const db = await testDb();
  const f = await limitsWorkspace(db);
  // in the manager's workspace but only in Mobile, which they do not manage
  const outsider = actorOf(await makeMember(db, f.ws.id, { name: "Outsider" }));
  await db.groupMember.create({ data: { groupId: f.mobile.id, memberId: outsider.memberId } });
  // another workspace, with rows pointing across: its member in Platform, the manager on its group
  const ws2 = await makeWorkspace(db);
  const stranger = actorOf(await makeMember(db, ws2.id, { name: "Stranger" }));
  const theirs = await db.group.create({
    data: { workspaceId: ws2.id, name: "Theirs", costCenter: "CC-9" },
  });
  await db.groupMember.createMany({
    data: [
      { groupId: theirs.id, memberId: stranger.memberId },
      { groupId: f.platform.id, memberId: stranger.memberId },
    ],
  });
  await db.groupManager.create({ data: { groupId: theirs.id, memberId: f.manager.memberId } });
  for (const [ws, who] of [
    [f.ws.id, f.eng],
    [f.ws.id, outsider],
    [ws2.id, stranger],
  ] as const)
    await addUsage(db, ws, who.memberId, TEST_TODAY, 50n);
  const owner2 = actorOf(await makeMember(db, ws2.id, { role: "OWNER" }));
  for (const owner of [f.owner, owner2])
    await createPolicy(db, owner, createPolicySchema.parse({ scope: "WORKSPACE", amount: "500" }));
  const file = (who: Actor) =>
    fileRequest(db, who, fileRequestSchema.parse({ reason: REASON, amount: "20" }), TEST_NOW);
  const requests = {
    eng: (await file(f.eng)).id,
    outsider: (await file(outsider)).id,
    stranger: (await file(stranger)).id,
  };
  // the manager as the server loads them, and as an actor naming the other workspace's group too
  const loaded = (await loadActor(db, f.manager.memberId))!;
  const crossing: Actor = { ...f.manager, managedGroupIds: [f.platform.id, theirs.id] };
  return { db, f, outsider, stranger, theirs, requests, loaded, crossing };
}

describe("a manager's scope", () => {
  it("a loaded manager manages only their own workspace's groups", async () => {
    const { loaded, f } = await setup();
    expect(loaded.managedGroupIds).toEqual([f.platform.id]);
  });

  it("spend: the scope, the explorer, its CSV and the group pages hold only the managed groups' people", async () => {
    const { db, f, outsider, stranger, theirs, loaded, crossing } = await setup();
    const mine = [f.manager.memberId, f.eng.memberId, f.eng2.memberId].sort();
    for (const actor of [loaded, crossing]) {
      const scope = await spendScopeFor(db, actor);
      expect(scope.kind).toBe("groups");
      expect([...scope.memberIds!].sort()).toEqual(mine);
      expect(scope.label).toBe("Platform");
      const ctx = { db, scope, now: TEST_NOW };
      const q = {
        dimension: "member",
        sort: "amount",
        dir: "desc",
        page: 1,
        pageSize: 25,
      } as const;
      // a product filter reads the daily rollup the fixture writes
      const filters = { product: ["codex"] };
      for (const b of [
        await explorerBreakdown(ctx, { range: "period" }, filters, q),
        await exportBreakdown(ctx, { range: "period" }, filters, q),
      ]) {
        expect(b.rows.map((r) => r.key)).toEqual([f.eng.memberId]);
        expect(b.totals.amountMicros).toBe(50_000_000n);
      }
      expect((await listSpendGroups(db, scope)).map((g) => g.name)).toEqual(["Platform"]);
      for (const groupId of [f.mobile.id, theirs.id])
        await expect(getGroupSummary(db, scope, groupId, TEST_NOW)).rejects.toThrow(NotFoundError);
      const platform = await getGroupSummary(db, scope, f.platform.id, TEST_NOW);
      expect(platform.members.map((m) => m.memberId)).not.toContain(stranger.memberId);
      expect(platform.members.map((m) => m.memberId)).not.toContain(outsider.memberId);
    }
  });

  it("people: the Members and Groups screens list only the managed groups and their people", async () => {
    const { db, f, loaded, crossing } = await setup();
    for (const actor of [loaded, crossing]) {
      const members = await listMembers(db, actor, { status: "active" });
      expect(members.rows.map((m) => m.id).sort()).toEqual(
        [f.manager.memberId, f.eng.memberId, f.eng2.memberId].sort(),
      );
      expect((await listGroups(db, actor)).map((g) => g.name)).toEqual(["Platform"]);
    }
  });

  it("requests: the queue lists, counts and lets them decide only their groups' people", async () => {
    const { db, f, outsider, stranger, requests, loaded, crossing } = await setup();
    for (const actor of [loaded, crossing]) {
      const queue = await listQueue(db, actor, {}, TEST_NOW);
      expect(queue.items.map((i) => i.id)).toEqual([requests.eng]);
      expect(await pendingCountFor(db, actor)).toBe(1);
      await expect(
        assertMayDecide(db, { kind: "member", actor }, f.eng.memberId),
      ).resolves.toBeUndefined();
      for (const other of [outsider, stranger])
        await expect(
          assertMayDecide(db, { kind: "member", actor }, other.memberId),
        ).rejects.toThrow(NotFoundError);
    }
  });

  it("limits: the Limits screen shows only the managed groups and their people", async () => {
    const { db, f, loaded, crossing } = await setup();
    for (const actor of [loaded, crossing]) {
      const view = await getLimitsOverview(db, actor, TEST_NOW);
      expect(view.members.map((m) => m.memberId).sort()).toEqual(
        [f.manager.memberId, f.eng.memberId, f.eng2.memberId].sort(),
      );
      expect(view.groups.map((g) => g.name)).toEqual(["Platform"]);
    }
  });
});
