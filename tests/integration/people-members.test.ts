/**
 * Members: add, role, cost center, groups, managed groups, deactivate and reactivate — each
 * with its audit event, the guard rails (owners alone touch OWNER, the last owner stays, admins
 * manage, finance and managers read) and deactivation's effects.
 */
import { describe, expect, it } from "vitest";

import { loadActor } from "@/lib/auth/actor";
import { isSessionLive, startSession } from "@/lib/auth/sessions";
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from "@/lib/core/errors";
import { addDays } from "@/lib/core/period";
import { budgetCheck } from "@/lib/limits/budget-check";
import { createPolicySchema } from "@/lib/limits/policy-input";
import { createPolicy } from "@/lib/limits/write-policy";
import { deactivateMember, reactivateMember } from "@/lib/people/deactivate";
import { addMemberSchema, FieldErrors, parseFields, updateMemberSchema } from "@/lib/people/fields";
import { addMember, listMembers, updateMember } from "@/lib/people/members";
import { rebuildGroupDayTotals } from "@/lib/rollups/group-totals";

import { TEST_NOW, TEST_TODAY } from "../helpers/clock";
import { testDb } from "../helpers/db";
import { limitsWorkspace } from "./limits-fixtures";

const add = (v: Record<string, unknown>) => parseFields(addMemberSchema, v);
const upd = (v: Record<string, unknown>) => parseFields(updateMemberSchema, v);

/** Usage in the member totals and the group / cost-center totals built from them, as a sync leaves them. */
async function memberTotals(workspaceId: string, memberId: string, day: string, credits: bigint) {
  const db = await testDb();
  const creditsMicros = credits * 1_000_000n;
  await db.usageMemberDayTotal.create({
    data: { workspaceId, day, memberKey: memberId, creditsMicros },
  });
  await db.usageMemberMonthTotal.create({
    data: { workspaceId, month: day.slice(0, 7), memberKey: memberId, creditsMicros },
  });
  await db.$transaction((tx) => rebuildGroupDayTotals(tx, workspaceId, [day]));
}

async function events(workspaceId: string, targetId: string) {
  const db = await testDb();
  return db.auditEvent.findMany({ where: { workspaceId, targetId }, orderBy: { id: "asc" } });
}

describe("members", () => {
  it("an admin adds a member with groups; the event says who and what; a second add of the address is refused by field", async () => {
    const db = await testDb();
    const f = await limitsWorkspace(db);
    const m = await addMember(
      db,
      f.admin,
      add({
        email: " Nora@Example.TEST ",
        name: "Nora New",
        role: "FINANCE",
        costCenter: "CC-9",
        groupIds: [f.platform.id],
        managedGroupIds: [f.mobile.id],
      }),
    );
    expect(m).toMatchObject({
      email: "nora@example.test",
      name: "Nora New",
      role: "FINANCE",
      costCenter: "CC-9",
      active: true,
    });
    expect(m.groups.map((g) => g.name)).toEqual(["Platform"]);
    expect(m.manages.map((g) => g.name)).toEqual(["Mobile"]);
    const [e] = await events(f.ws.id, m.id);
    expect(e).toMatchObject({
      action: "member.create",
      targetType: "Member",
      actorLabel: f.admin.email,
      actorId: f.admin.memberId,
    });
    expect(JSON.parse(e!.afterJson!)).toMatchObject({
      email: "nora@example.test",
      role: "FINANCE",
      groups: [{ id: f.platform.id, name: "Platform" }],
    });
    const again = await addMember(
      db,
      f.admin,
      add({ email: "nora@example.test", name: "Other" }),
    ).catch((x: unknown) => x);
    expect(again).toBeInstanceOf(InvalidInputError);
    expect((again as InvalidInputError).field).toBe("email");
    expect((again as Error).message).toBe("nora@example.test is already a member (Nora New)");
  });

  it("speaks people's words about bad fields, all at once", () => {
    const e = (() => {
      try {
        add({ email: "not-an-email", name: "", role: "BOSS", costCenter: "=cmd|x" });
      } catch (x) {
        return x as FieldErrors;
      }
    })();
    expect(e).toBeInstanceOf(FieldErrors);
    expect(e!.issues).toEqual([
      { field: "email", message: "Enter an email address like dana@example.com" },
      { field: "name", message: "Enter the person's name" },
      { field: "role", message: "Choose a role: owner, admin, finance or member" },
      {
        field: "costCenter",
        message: "A cost center code uses letters, digits, spaces and . _ / - only",
      },
    ]);
    expect(() => upd({})).toThrow("Nothing to change");
    expect(() => upd({ nickname: "x" })).toThrow('This form has no field "nickname"');
  });

  it("role rules: owners alone make or unmake owners; the last owner is never demoted; engineers and finance change nobody", async () => {
    const db = await testDb();
    const f = await limitsWorkspace(db);
    await expect(updateMember(db, f.admin, f.eng.memberId, upd({ role: "OWNER" }))).rejects.toThrow(
      "Only an owner can make someone an owner",
    );
    await expect(
      updateMember(db, f.admin, f.owner.memberId, upd({ role: "ADMIN" })),
    ).rejects.toThrow("Only an owner can change an owner's role");
    await expect(
      addMember(db, f.admin, add({ email: "boss@example.test", name: "Boss", role: "OWNER" })),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      updateMember(db, f.finance, f.eng.memberId, upd({ costCenter: "X" })),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      updateMember(db, f.eng, f.eng2.memberId, upd({ role: "ADMIN" })),
    ).rejects.toBeInstanceOf(ForbiddenError);
    // the only owner demoting themselves: refused, nothing written
    const lone = await updateMember(db, f.owner, f.owner.memberId, upd({ role: "ADMIN" })).catch(
      (x: unknown) => x,
    );
    expect((lone as Error).message).toMatch(/at least one active owner/);
    expect((await db.member.findUniqueOrThrow({ where: { id: f.owner.memberId } })).role).toBe(
      "OWNER",
    );
    expect(
      await db.auditEvent.count({ where: { workspaceId: f.ws.id, action: "member.role" } }),
    ).toBe(0);
    // with a second owner it goes through, audited with before and after
    await updateMember(db, f.owner, f.admin.memberId, upd({ role: "OWNER" }));
    await updateMember(db, f.owner, f.owner.memberId, upd({ role: "ADMIN" }));
    const roleEvents = await db.auditEvent.findMany({
      where: { workspaceId: f.ws.id, action: "member.role" },
      orderBy: { id: "asc" },
    });
    expect(
      roleEvents.map((e) => [
        e.targetId,
        JSON.parse(e.beforeJson!).role,
        JSON.parse(e.afterJson!).role,
      ]),
    ).toEqual([
      [f.admin.memberId, "ADMIN", "OWNER"],
      [f.owner.memberId, "OWNER", "ADMIN"],
    ]);
    await expect(updateMember(db, f.admin, "nobody", upd({ name: "x" }))).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it("two owners demoting each other at once leave one owner", async () => {
    const db = await testDb();
    const f = await limitsWorkspace(db);
    await updateMember(db, f.owner, f.admin.memberId, upd({ role: "OWNER" }));
    const second = { ...f.admin, role: "OWNER" as const };
    const results = await Promise.allSettled([
      updateMember(db, f.owner, second.memberId, upd({ role: "ADMIN" })),
      updateMember(db, second, f.owner.memberId, upd({ role: "ADMIN" })),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(
      await db.member.count({ where: { workspaceId: f.ws.id, role: "OWNER", active: true } }),
    ).toBe(1);
  });

  it("cost center, name, groups and managed groups change with one event each; a repeat changes nothing", async () => {
    const db = await testDb();
    const f = await limitsWorkspace(db);
    await memberTotals(f.ws.id, f.eng.memberId, TEST_TODAY, 100n);
    const ccBefore = await db.usageCostCenterMonthTotal.findMany({
      where: { workspaceId: f.ws.id },
    });
    expect(ccBefore.map((x) => [x.costCenter, x.creditsMicros])).toEqual([["~none", 100_000_000n]]);
    const r = await updateMember(
      db,
      f.admin,
      f.eng.memberId,
      upd({
        costCenter: "CC-7",
        name: "Eli E.",
        addGroupIds: [f.mobile.id],
        removeGroupIds: [f.platform.id],
        addManagedGroupIds: [f.mobile.id],
      }),
    );
    expect(r).toMatchObject({ costCenter: "CC-7", name: "Eli E." });
    expect(r.groups.map((g) => g.name)).toEqual(["Mobile"]);
    expect(r.manages.map((g) => g.name)).toEqual(["Mobile"]);
    const ev = await events(f.ws.id, f.eng.memberId);
    expect(ev.map((e) => e.action)).toEqual(["member.update", "member.groups", "member.manages"]);
    expect(JSON.parse(ev[1]!.afterJson!)).toMatchObject({
      added: [{ name: "Mobile" }],
      removed: [{ name: "Platform" }],
    });
    // the rule sees the new groups; the breakdown totals moved with the person
    const cc = await db.usageCostCenterDayTotal.findMany({
      where: { workspaceId: f.ws.id, day: TEST_TODAY },
    });
    expect(cc.map((x) => [x.costCenter, x.creditsMicros])).toEqual([["CC-7", 100_000_000n]]);
    const groupsNow = await db.usageGroupDayTotal.findMany({
      where: { workspaceId: f.ws.id, day: TEST_TODAY },
      orderBy: { groupId: "asc" },
    });
    expect(groupsNow.map((x) => [x.groupId, x.creditsMicros])).toEqual([
      [f.mobile.id, 100_000_000n],
    ]);
    expect(
      (await db.usageCostCenterMonthTotal.findMany({ where: { workspaceId: f.ws.id } })).map(
        (x) => [x.costCenter, x.creditsMicros],
      ),
    ).toEqual([["CC-7", 100_000_000n]]);
    await updateMember(
      db,
      f.admin,
      f.eng.memberId,
      upd({ addGroupIds: [f.mobile.id], costCenter: "CC-7" }),
    );
    expect((await events(f.ws.id, f.eng.memberId)).length).toBe(3);
    await expect(
      updateMember(db, f.admin, f.eng.memberId, upd({ addGroupIds: ["nope"] })),
    ).rejects.toThrow("A chosen group no longer exists");
  });

  it("lists in scope: admins and finance everyone, a manager their groups' people, engineers nobody; search and filters", async () => {
    const db = await testDb();
    const f = await limitsWorkspace(db);
    const all = await listMembers(db, f.finance, { status: "active" });
    expect(all.total).toBe(6);
    const mine = await listMembers(db, f.manager, { status: "active" });
    expect(mine.scopedToGroups).toBe(true);
    expect(mine.rows.map((r) => r.id).sort()).toEqual(
      [f.manager.memberId, f.eng.memberId, f.eng2.memberId].sort(),
    );
    await expect(listMembers(db, f.eng, { status: "active" })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    expect(
      (await listMembers(db, f.admin, { status: "active", role: "FINANCE" })).rows.map((r) => r.id),
    ).toEqual([f.finance.memberId]);
    expect(
      (await listMembers(db, f.admin, { status: "active", group: f.mobile.id })).rows.map(
        (r) => r.id,
      ),
    ).toEqual([f.eng2.memberId]);
    const needle = f.eng.email.slice(0, 6).toUpperCase();
    expect(
      (await listMembers(db, f.admin, { status: "active", q: needle })).rows.map((r) => r.id),
    ).toEqual([f.eng.memberId]);
  });

  it("pages the list: each page its own rows in name order, a page past the last shows the last", async () => {
    const db = await testDb();
    const f = await limitsWorkspace(db);
    const all = await listMembers(db, f.admin, { status: "active" });
    const pages = await Promise.all(
      [1, 2, 3].map((page) => listMembers(db, f.admin, { status: "active", page }, 4)),
    );
    expect(pages.map((p) => [p.offset, p.rows.length, p.total])).toEqual([
      [0, 4, 6],
      [4, 2, 6],
      [4, 2, 6],
    ]);
    expect([...pages[0]!.rows, ...pages[1]!.rows].map((r) => r.id)).toEqual(
      all.rows.map((r) => r.id),
    );
  });
});

describe("deactivation", () => {
  it("ends sessions, ends overrides as of now (kept), withdraws pending requests, refuses sign-in and answers the budget check as for a non-member", async () => {
    const db = await testDb();
    const f = await limitsWorkspace(db);
    const session = await startSession(
      db,
      { id: f.eng.memberId, workspaceId: f.ws.id },
      3600,
      TEST_NOW,
    );
    await createPolicy(
      db,
      f.owner,
      createPolicySchema.parse({ scope: "WORKSPACE", amount: "500" }),
    );
    const running = await createPolicy(
      db,
      f.admin,
      createPolicySchema.parse({
        scope: "MEMBER",
        memberId: f.eng.memberId,
        amount: "1,200",
        expiresOn: addDays(TEST_TODAY, 20),
      }),
    );
    const ended = await db.limitPolicy.create({
      data: {
        workspaceId: f.ws.id,
        scope: "MEMBER",
        memberId: f.eng.memberId,
        target: `MEMBER:${f.eng.memberId}`,
        product: "codex",
        amountMicros: 9n,
        expiresAt: new Date(TEST_NOW.getTime() - 86_400_000),
      },
    });
    const pending = await db.creditRequest.create({
      data: {
        workspaceId: f.ws.id,
        requesterId: f.eng.memberId,
        amountMicros: 100_000_000n,
        reason: "a reason long enough to file",
        neededUntil: addDays(TEST_TODAY, 5),
        snapshotJson: "{}",
      },
    });
    const decided = await db.creditRequest.create({
      data: {
        workspaceId: f.ws.id,
        requesterId: f.eng.memberId,
        amountMicros: 1n,
        reason: "an older request, denied",
        neededUntil: TEST_TODAY,
        snapshotJson: "{}",
        status: "DENIED",
      },
    });
    const before = await budgetCheck(db, f.ws.id, f.eng.email, "codex", TEST_NOW);
    expect(before.limit).toBe("1200.000000");

    const r = await deactivateMember(
      db,
      f.admin,
      f.eng.memberId,
      { reason: "left the company" },
      TEST_NOW,
    );
    expect(r).toMatchObject({
      sessionsEnded: 1,
      overridesEnded: [running.id],
      requestsWithdrawn: [pending.id],
    });
    expect(r.member.active).toBe(false);
    expect(await isSessionLive(db, session, f.eng.memberId)).toBe(false);
    expect(await loadActor(db, f.eng.memberId)).toBeNull();
    const p = await db.limitPolicy.findUniqueOrThrow({ where: { id: running.id } });
    expect(p.expiresAt).toEqual(TEST_NOW);
    expect(p.version).toBe(running.version + 1);
    expect((await db.limitPolicy.findUniqueOrThrow({ where: { id: ended.id } })).expiresAt).toEqual(
      ended.expiresAt,
    );
    const req = await db.creditRequest.findUniqueOrThrow({ where: { id: pending.id } });
    expect(req).toMatchObject({
      status: "CANCELLED",
      decisionNote: `Withdrawn: ${f.eng.name} was deactivated (left the company)`,
    });
    expect((await db.creditRequest.findUniqueOrThrow({ where: { id: decided.id } })).status).toBe(
      "DENIED",
    );

    const check = await budgetCheck(db, f.ws.id, f.eng.email, "codex", TEST_NOW);
    const stranger = await budgetCheck(db, f.ws.id, "stranger@example.test", "codex", TEST_NOW);
    expect(check.member).toBeNull();
    expect({ ...check, member: null }).toEqual({ ...stranger, member: null });

    const actions = (
      await db.auditEvent.findMany({
        where: {
          workspaceId: f.ws.id,
          action: { in: ["limit.end", "request.cancel", "member.deactivate"] },
        },
        orderBy: { id: "asc" },
      })
    ).map((e) => [e.action, e.targetId]);
    expect(actions).toEqual([
      ["limit.end", running.id],
      ["request.cancel", String(pending.id)],
      ["member.deactivate", f.eng.memberId],
    ]);
    await expect(
      deactivateMember(db, f.admin, f.eng.memberId, {}, TEST_NOW),
    ).rejects.toBeInstanceOf(ConflictError);
    await expect(updateMember(db, f.admin, f.eng.memberId, upd({ name: "x" }))).rejects.toThrow(
      "is deactivated",
    );

    const back = await reactivateMember(db, f.admin, f.eng.memberId);
    expect(back.active).toBe(true);
    expect(await loadActor(db, f.eng.memberId)).not.toBeNull();
    // the ended override stays ended: reactivation starts from the group and default limits
    expect((await budgetCheck(db, f.ws.id, f.eng.email, "codex", TEST_NOW)).limit).toBe(
      "500.000000",
    );
    expect((await events(f.ws.id, f.eng.memberId)).map((e) => e.action).slice(-1)).toEqual([
      "member.reactivate",
    ]);
  });

  it("guard rails: nobody deactivates themselves, admins never touch an owner, the last owner stays, finance and engineers cannot", async () => {
    const db = await testDb();
    const f = await limitsWorkspace(db);
    await expect(deactivateMember(db, f.admin, f.admin.memberId, {}, TEST_NOW)).rejects.toThrow(
      "You cannot deactivate yourself",
    );
    await expect(deactivateMember(db, f.admin, f.owner.memberId, {}, TEST_NOW)).rejects.toThrow(
      "Only an owner can deactivate an owner",
    );
    await expect(
      deactivateMember(db, f.finance, f.eng.memberId, {}, TEST_NOW),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(deactivateMember(db, f.eng2, f.eng.memberId, {}, TEST_NOW)).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await updateMember(db, f.owner, f.admin.memberId, upd({ role: "OWNER" }));
    const second = { ...f.admin, role: "OWNER" as const };
    await deactivateMember(db, second, f.owner.memberId, {}, TEST_NOW);
    // now `second` is the last active owner: another owner-to-be cannot remove them (nobody can)
    await db.member.update({ where: { id: f.owner.memberId }, data: { active: true } });
    await updateMember(db, second, f.owner.memberId, upd({ role: "ADMIN" }));
    const demoted = { ...f.owner, role: "ADMIN" as const };
    await expect(deactivateMember(db, demoted, second.memberId, {}, TEST_NOW)).rejects.toThrow(
      "Only an owner can deactivate an owner",
    );
    expect(
      await db.member.count({ where: { workspaceId: f.ws.id, role: "OWNER", active: true } }),
    ).toBe(1);
  });
});
