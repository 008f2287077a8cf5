import { describe, expect, it } from "vitest";

import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from "@/lib/core/errors";
import { addDays } from "@/lib/core/period";
import { loadMemberLimit } from "@/lib/limits/load-effective-limits";
import { createPolicySchema } from "@/lib/limits/policy-input";
import { createPolicy } from "@/lib/limits/write-policy";
import {
  approveRequest,
  cancelRequest,
  denyRequest,
  expireDueRequests,
} from "@/lib/requests/decide-credit-request";
import { fileRequest } from "@/lib/requests/file-request";
import { approveSchema, denySchema, fileRequestSchema } from "@/lib/requests/request-input";
import { listMyRequests, listQueue, pendingCountFor } from "@/lib/requests/request-queue";

import { daysFrom, TEST_NOW, TEST_TODAY } from "../helpers/clock";
import { testDb } from "../helpers/db";
import { addUsage, limitsWorkspace } from "./limits-fixtures";

const M = 1_000_000n;
const NOW = TEST_NOW;
const today = TEST_TODAY;
const REASON = "Migrating the billing service to the new agent workflow";
const file = (v: Record<string, unknown>) => fileRequestSchema.parse({ reason: REASON, ...v });

async function setup() {
  const db = await testDb();
  const f = await limitsWorkspace(db);
  await createPolicy(db, f.owner, createPolicySchema.parse({ scope: "WORKSPACE", amount: "500" }));
  await createPolicy(
    db,
    f.admin,
    createPolicySchema.parse({ scope: "GROUP", groupId: f.platform.id, amount: "800" }),
  );
  await addUsage(db, f.ws.id, f.eng.memberId, today, 700n);
  return { db, f };
}

describe("credit requests", () => {
  it("files with a snapshot; a manager approves part; the limit rises by the grant with the request's reason", async () => {
    const { db, f } = await setup();
    const until = addDays(today, 5);
    const { id } = await fileRequest(
      db,
      f.eng,
      file({ amount: "400", neededUntil: until, link: "https://tracker.example/T-1" }),
      NOW,
    );
    const mine = await listMyRequests(db, f.eng, NOW);
    expect(mine[0]!.snapshot).toMatchObject({
      usedMicros: String(700n * M),
      limitMicros: String(800n * M),
      reason: "group Platform",
    });
    expect(await pendingCountFor(db, f.manager)).toBe(1);
    expect(await pendingCountFor(db, f.admin)).toBe(1);
    expect(await pendingCountFor(db, f.eng)).toBe(0);
    const q = await listQueue(db, f.manager, {}, NOW);
    expect(q.items.map((i) => i.id)).toEqual([id]);
    expect(q.items[0]!.current?.reason).toBe("group Platform");
    expect(q.items[0]!.sparkline).toHaveLength(14);

    const d = await approveRequest(
      db,
      { kind: "member", actor: f.manager },
      id,
      approveSchema.parse({ amount: "250", note: "half now" }),
      NOW,
    );
    expect(d.grantedMicros).toBe(250n * M);
    const after = await loadMemberLimit(db, f.ws.id, f.eng.memberId, "", NOW);
    expect(after.effective.limitMicros).toBe(1050n * M);
    expect(after.effective.reason).toBe(
      `request #${id} approved by ${f.manager.email} until ${until}`,
    );
    const notes = await db.notification.findMany({ where: { memberId: f.eng.memberId } });
    expect(notes.map((n) => n.title)).toEqual([`Request #${id} approved`]);
    expect(
      await db.auditEvent.count({ where: { workspaceId: f.ws.id, action: "request.approve" } }),
    ).toBe(1);

    // a second grant adds its own override beside the first (limit now + 100); the rule takes the most generous
    const second = await fileRequest(
      db,
      f.eng,
      file({ amount: "100", neededUntil: addDays(today, 9) }),
      NOW,
    );
    await approveRequest(
      db,
      { kind: "member", actor: f.admin },
      second.id,
      approveSchema.parse({}),
      NOW,
    );
    const again = await loadMemberLimit(db, f.ws.id, f.eng.memberId, "", NOW);
    expect(again.effective.limitMicros).toBe(1150n * M);
    expect(await db.limitPolicy.count({ where: { workspaceId: f.ws.id, scope: "MEMBER" } })).toBe(
      2,
    );
  });

  it("twenty concurrent approvals produce exactly one decision and one override", async () => {
    const { db, f } = await setup();
    const { id } = await fileRequest(db, f.eng, file({ amount: "100" }), NOW);
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        approveRequest(
          db,
          { kind: "member", actor: i % 2 ? f.admin : f.manager },
          id,
          approveSchema.parse({}),
          NOW,
        ),
      ),
    );
    const ok = results.filter((r) => r.status === "fulfilled");
    const conflicts = results.filter(
      (r) => r.status === "rejected" && r.reason instanceof ConflictError,
    );
    expect(ok).toHaveLength(1);
    expect(conflicts).toHaveLength(19);
    expect(await db.limitPolicy.count({ where: { workspaceId: f.ws.id, scope: "MEMBER" } })).toBe(
      1,
    );
    expect(
      await db.auditEvent.count({ where: { workspaceId: f.ws.id, action: "request.approve" } }),
    ).toBe(1);
    expect(await db.notification.count({ where: { memberId: f.eng.memberId } })).toBe(1);
    expect(
      (await loadMemberLimit(db, f.ws.id, f.eng.memberId, "", NOW)).effective.limitMicros,
    ).toBe(900n * M);
  });

  it("deny needs a note and shows it; a decided request answers conflict; cancel only own pending", async () => {
    const { db, f } = await setup();
    const { id } = await fileRequest(db, f.eng, file({ amount: "100" }), NOW);
    expect(() => denySchema.parse({ note: "" })).toThrow(/note is required/);
    await denyRequest(
      db,
      { kind: "member", actor: f.admin },
      id,
      denySchema.parse({ note: "Use the shared pool this sprint" }),
      NOW,
    );
    const mine = await listMyRequests(db, f.eng, NOW);
    expect(mine[0]).toMatchObject({
      status: "DENIED",
      decisionNote: "Use the shared pool this sprint",
      decider: f.admin.email,
    });
    await expect(
      approveRequest(db, { kind: "member", actor: f.admin }, id, approveSchema.parse({}), NOW),
    ).rejects.toBeInstanceOf(ConflictError);
    await expect(cancelRequest(db, f.eng, id, TEST_NOW)).rejects.toBeInstanceOf(ConflictError);
    const other = await fileRequest(db, f.eng, file({ amount: "50" }), NOW);
    await expect(cancelRequest(db, f.eng2, other.id, TEST_NOW)).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await cancelRequest(db, f.eng, other.id, TEST_NOW);
    expect((await db.creditRequest.findUniqueOrThrow({ where: { id: other.id } })).status).toBe(
      "CANCELLED",
    );
  });

  it("who may decide: never one's own; managers only their groups; other workspaces 404", async () => {
    const { db, f } = await setup();
    const g = await limitsWorkspace(db);
    const own = await fileRequest(db, f.manager, file({ amount: "10" }), NOW);
    await expect(
      approveRequest(
        db,
        { kind: "member", actor: f.manager },
        own.id,
        approveSchema.parse({}),
        NOW,
      ),
    ).rejects.toBeInstanceOf(ForbiddenError);
    expect((await listQueue(db, f.manager, {}, NOW)).items.map((i) => i.id)).not.toContain(own.id);
    const byEng = await fileRequest(db, f.eng, file({ amount: "10" }), NOW);
    await expect(
      approveRequest(db, { kind: "member", actor: f.eng }, byEng.id, approveSchema.parse({}), NOW),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      approveRequest(db, { kind: "member", actor: f.eng2 }, byEng.id, approveSchema.parse({}), NOW),
    ).rejects.toBeInstanceOf(ForbiddenError);
    // finance (member of no managed group) → 403 in lib; a manager of another group → 404
    await expect(
      approveRequest(
        db,
        { kind: "member", actor: f.finance },
        byEng.id,
        approveSchema.parse({}),
        NOW,
      ),
    ).rejects.toBeInstanceOf(ForbiddenError);
    const mobileManager = { ...f.eng2, managedGroupIds: [f.mobile.id] };
    const fromPlatformOnly = await fileRequest(db, f.eng, file({ amount: "5" }), NOW);
    await expect(
      approveRequest(
        db,
        { kind: "member", actor: mobileManager },
        fromPlatformOnly.id,
        approveSchema.parse({}),
        NOW,
      ),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      approveRequest(
        db,
        { kind: "member", actor: g.admin },
        byEng.id,
        approveSchema.parse({}),
        NOW,
      ),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      approveRequest(
        db,
        { kind: "token", actor: g.admin, token: { id: "t", name: "x" } },
        byEng.id,
        approveSchema.parse({}),
        NOW,
      ),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  it("validates input and expires pending requests past needed-until", async () => {
    const { db, f } = await setup();
    expect(() => fileRequestSchema.parse({ amount: "5", reason: "more pls" })).toThrow(
      /at least 20 characters/,
    );
    expect(() =>
      fileRequestSchema.parse({ amount: "5", reason: REASON, link: "javascript:alert(1)" }),
    ).toThrow(/http\(s\) URL/);
    await expect(fileRequest(db, f.eng, file({ amount: "0" }), NOW)).rejects.toBeInstanceOf(
      InvalidInputError,
    );
    await expect(
      fileRequest(db, f.eng, file({ amount: "5", neededUntil: addDays(today, -1) }), NOW),
    ).rejects.toThrow(/in the past/);
    const { id } = await fileRequest(db, f.eng, file({ amount: "5", neededUntil: today }), NOW);
    expect(await expireDueRequests(db, f.ws.id, NOW)).toBe(0);
    expect(await expireDueRequests(db, f.ws.id, daysFrom(NOW, 2))).toBe(1);
    expect((await db.creditRequest.findUniqueOrThrow({ where: { id } })).status).toBe("EXPIRED");
    expect(
      await db.auditEvent.count({ where: { workspaceId: f.ws.id, action: "request.expire" } }),
    ).toBe(1);
  });
});
