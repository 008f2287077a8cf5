/**
 * Issue 15 "Controls that hold": a grant composes with what exists (a new override beside
 * every other, never deleting or shortening one), grants have a ceiling (at most what was
 * asked without limits:write, the workspace's ceiling for managers, never above the editors'
 * maximum), amounts parse one way everywhere, and a request must have a limit to raise.
 */
import { describe, expect, it } from "vitest";

import { ForbiddenError, InvalidInputError } from "@/lib/core/errors";
import { endOfDayIn } from "@/lib/core/period";
import { getLimitsOverview } from "@/lib/limits/limits-screen";
import { loadMemberLimit } from "@/lib/limits/load-effective-limits";
import { createPolicySchema } from "@/lib/limits/policy-input";
import { updateWorkspaceSettings } from "@/lib/limits/workspace-settings";
import { createPolicy } from "@/lib/limits/write-policy";
import { approveRequest } from "@/lib/requests/decide-credit-request";
import { fileRequest } from "@/lib/requests/file-request";
import { approveSchema, fileRequestSchema } from "@/lib/requests/request-input";
import { listQueue } from "@/lib/requests/request-queue";

import { at, TEST_NOW } from "../helpers/clock";
import { testDb } from "../helpers/db";
import { limitsWorkspace, platformLimitWorkspace } from "./limits-fixtures";

const M = 1_000_000n;
const NOW = TEST_NOW; // 2026-11-18T14:30Z
const REASON = "Migrating the billing service to the new agent workflow";
const file = (v: Record<string, unknown>) => fileRequestSchema.parse({ reason: REASON, ...v });
const approve = (v: Record<string, unknown> = {}) => approveSchema.parse(v);
const SETTINGS = { budgetUnit: "CREDITS", budgetPeriod: "MONTHLY", timezone: "UTC" } as const;

async function setup() {
  const db = await testDb();
  const f = await platformLimitWorkspace(db);
  return { db, f };
}

/** A request as the Claude import writes it: no amount (0). */
async function noAmountRequest(
  db: Awaited<ReturnType<typeof testDb>>,
  workspaceId: string,
  requesterId: string,
) {
  return db.creditRequest.create({
    data: {
      workspaceId,
      requesterId,
      amountMicros: 0n,
      reason: "Asked for more usage in Claude",
      neededUntil: "2026-11-30",
      product: "",
      snapshotJson: "{}",
      source: "claude",
      externalId: `x-${Math.random()}`,
    },
  });
}

describe("a grant composes with what exists", () => {
  it("Z: a scheduled 1,500 override from 2026-12-20 survives a grant of 100 until 2026-12-15 on the group's 800 — 900 on 12-10, 1,500 on 12-22", async () => {
    const { db, f } = await setup();
    const Z = f.eng;
    const scheduled = await createPolicy(
      db,
      f.admin,
      createPolicySchema.parse({
        scope: "MEMBER",
        memberId: Z.memberId,
        amount: "1500",
        startsOn: "2026-12-20",
        note: "Q1 pilot",
      }),
    );
    expect((await loadMemberLimit(db, f.ws.id, Z.memberId, "", NOW)).effective.reason).toBe(
      "group Platform",
    );

    const { id } = await fileRequest(
      db,
      Z,
      file({ amount: "100", neededUntil: "2026-12-15" }),
      NOW,
    );
    const d = await approveRequest(db, { kind: "member", actor: f.admin }, id, approve(), NOW);

    const on = async (iso: string) =>
      (await loadMemberLimit(db, f.ws.id, Z.memberId, "", at(iso))).effective;
    const dec10 = await on("2026-12-10T12:00:00Z");
    expect(dec10.limitMicros).toBe(900n * M);
    expect(dec10.reason).toBe(`request #${id} approved by ${f.admin.email} until 2026-12-15`);
    const dec22 = await on("2026-12-22T12:00:00Z");
    expect(dec22.limitMicros).toBe(1500n * M);
    expect(dec22.reason).toBe("individual override — Q1 pilot");
    // the grant's last minute and the day after it
    expect((await on("2026-12-15T23:59:00Z")).limitMicros).toBe(900n * M);
    expect((await on("2026-12-16T00:00:00Z")).limitMicros).toBe(800n * M);

    // both policies remain; the editors' one is untouched
    const policies = await db.limitPolicy.findMany({
      where: { workspaceId: f.ws.id, scope: "MEMBER" },
      orderBy: { slot: "asc" },
    });
    expect(policies.map((p) => p.slot)).toEqual(["", `request:${id}`]);
    const [editors, grant] = policies as [(typeof policies)[0], (typeof policies)[0]];
    expect(editors).toMatchObject({
      id: scheduled.id,
      amountMicros: 1500n * M,
      version: 1,
      startsAt: scheduled.startsAt,
      expiresAt: null,
      note: "Q1 pilot",
      sourceRequestId: null,
    });
    expect(grant).toMatchObject({
      id: d.overrideId,
      amountMicros: 900n * M,
      sourceRequestId: id,
      startsAt: NOW,
      expiresAt: endOfDayIn("2026-12-15", "UTC"),
      memberId: Z.memberId,
    });
    expect((await db.creditRequest.findUniqueOrThrow({ where: { id } })).overrideId).toBe(grant.id);
  });

  it("an active editor's override is neither raised nor shortened: after the grant ends it holds again", async () => {
    const { db, f } = await setup();
    await createPolicy(
      db,
      f.admin,
      createPolicySchema.parse({
        scope: "MEMBER",
        memberId: f.eng.memberId,
        amount: "1200",
        expiresOn: "2026-12-31",
        note: "migration",
      }),
    );
    const { id } = await fileRequest(
      db,
      f.eng,
      file({ amount: "100", neededUntil: "2026-11-30" }),
      NOW,
    );
    await approveRequest(db, { kind: "member", actor: f.admin }, id, approve(), NOW);
    const on = async (iso: string) =>
      (await loadMemberLimit(db, f.ws.id, f.eng.memberId, "", at(iso))).effective;
    expect((await on("2026-11-20T00:00:00Z")).limitMicros).toBe(1300n * M);
    expect((await on("2026-11-20T00:00:00Z")).reason).toBe(
      `request #${id} approved by ${f.admin.email} until 2026-11-30, most generous of 2 overrides`,
    );
    const dec5 = await on("2026-12-05T00:00:00Z");
    expect(dec5.limitMicros).toBe(1200n * M);
    expect(dec5.reason).toBe("individual override until 2026-12-31 — migration");
  });

  it("the Limits screen lists the grant beside the member's override, with its request", async () => {
    const { db, f } = await setup();
    const { id } = await fileRequest(
      db,
      f.eng,
      file({ amount: "100", neededUntil: "2026-12-15" }),
      NOW,
    );
    await approveRequest(db, { kind: "member", actor: f.manager }, id, approve(), NOW);
    const o = await getLimitsOverview(db, f.admin, NOW);
    const grant = o.policies.find((p) => p.sourceRequestId === id);
    expect(grant).toMatchObject({
      scope: "MEMBER",
      slot: `request:${id}`,
      targetId: f.eng.memberId,
      amountMicros: 900n * M,
      expiresOn: "2026-12-15",
      active: true,
    });
    expect(o.members.find((m) => m.memberId === f.eng.memberId)).toMatchObject({
      limitMicros: 900n * M,
      level: "MEMBER",
    });
    // the manager of Platform sees it too (their group's member)
    expect(
      (await getLimitsOverview(db, f.manager, NOW)).policies.some((p) => p.sourceRequestId === id),
    ).toBe(true);
    // once it has ended it is history (the request keeps it)
    expect(
      (await getLimitsOverview(db, f.admin, at("2026-12-16T00:00:00Z"))).policies.some(
        (p) => p.sourceRequestId === id,
      ),
    ).toBe(false);
  });
});

describe("grants have a ceiling", () => {
  it("without limits:write a decider grants at most what was asked; an admin may grant more", async () => {
    const { db, f } = await setup();
    const { id } = await fileRequest(db, f.eng, file({ amount: "100" }), NOW);
    const q = await listQueue(db, f.manager, {}, NOW);
    expect(q.items[0]!.grant).toMatchObject({ maxMicros: 100n * M });
    await expect(
      approveRequest(db, { kind: "member", actor: f.manager }, id, approve({ amount: "150" }), NOW),
    ).rejects.toThrow(ForbiddenError);
    await expect(
      approveRequest(db, { kind: "member", actor: f.manager }, id, approve({ amount: "150" }), NOW),
    ).rejects.toThrow("at most the 100.00 credits asked for");
    expect((await db.creditRequest.findUniqueOrThrow({ where: { id } })).status).toBe("PENDING");
    expect((await listQueue(db, f.admin, {}, NOW)).items[0]!.grant).toMatchObject({
      maxMicros: null,
    });
    const d = await approveRequest(
      db,
      { kind: "member", actor: f.admin },
      id,
      approve({ amount: "150" }),
      NOW,
    );
    expect(d.grantedMicros).toBe(150n * M);
    expect(
      (await loadMemberLimit(db, f.ws.id, f.eng.memberId, "", NOW)).effective.limitMicros,
    ).toBe(950n * M);
  });

  it("the owner sets a per-request ceiling for managers in Settings (audited); it binds managers, not admins", async () => {
    const { db, f } = await setup();
    await expect(
      updateWorkspaceSettings(db, f.admin, { ...SETTINGS, managerGrantCeiling: "50" }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      updateWorkspaceSettings(db, f.owner, { ...SETTINGS, managerGrantCeiling: "1,5" }),
    ).rejects.toThrow(/comma may only separate thousands/);
    await updateWorkspaceSettings(db, f.owner, { ...SETTINGS, managerGrantCeiling: "50" });
    expect(
      (await db.workspace.findUniqueOrThrow({ where: { id: f.ws.id } })).managerGrantCeilingMicros,
    ).toBe(50n * M);
    const ev = await db.auditEvent.findFirstOrThrow({
      where: { workspaceId: f.ws.id, action: "workspace.settings" },
      orderBy: { id: "desc" },
    });
    expect(JSON.parse(ev.beforeJson!)).toMatchObject({ managerGrantCeilingMicros: null });
    expect(JSON.parse(ev.afterJson!)).toMatchObject({ managerGrantCeilingMicros: String(50n * M) });
    // leaving the field out keeps it
    await updateWorkspaceSettings(db, f.owner, SETTINGS);
    expect(
      (await db.workspace.findUniqueOrThrow({ where: { id: f.ws.id } })).managerGrantCeilingMicros,
    ).toBe(50n * M);

    const { id } = await fileRequest(db, f.eng, file({ amount: "100" }), NOW);
    await expect(
      approveRequest(db, { kind: "member", actor: f.manager }, id, approve(), NOW),
    ).rejects.toThrow("Managers may grant at most 50.00 credits per request");
    await expect(
      approveRequest(db, { kind: "member", actor: f.manager }, id, approve({ amount: "60" }), NOW),
    ).rejects.toBeInstanceOf(ForbiddenError);
    expect(
      (
        await approveRequest(
          db,
          { kind: "member", actor: f.manager },
          id,
          approve({ amount: "50" }),
          NOW,
        )
      ).grantedMicros,
    ).toBe(50n * M);
    const other = await fileRequest(db, f.eng2, file({ amount: "100" }), NOW);
    expect(
      (await approveRequest(db, { kind: "member", actor: f.admin }, other.id, approve(), NOW))
        .grantedMicros,
    ).toBe(100n * M);

    // a request that names no amount: a manager needs the ceiling; clearing it ("") refuses again
    const claude = await noAmountRequest(db, f.ws.id, f.eng.memberId);
    await expect(
      approveRequest(
        db,
        { kind: "member", actor: f.manager },
        claude.id,
        approve({ amount: "60" }),
        NOW,
      ),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await updateWorkspaceSettings(db, f.owner, { ...SETTINGS, managerGrantCeiling: "" });
    await expect(
      approveRequest(
        db,
        { kind: "member", actor: f.manager },
        claude.id,
        approve({ amount: "40" }),
        NOW,
      ),
    ).rejects.toThrow("names no amount");
    await updateWorkspaceSettings(db, f.owner, { ...SETTINGS, managerGrantCeiling: "50" });
    expect(
      (
        await approveRequest(
          db,
          { kind: "member", actor: f.manager },
          claude.id,
          approve({ amount: "40" }),
          NOW,
        )
      ).grantedMicros,
    ).toBe(40n * M);
  });

  it("no grant lifts a limit above the editors' maximum (100,000,000)", async () => {
    const { db, f } = await setup();
    const { id } = await fileRequest(db, f.eng, file({ amount: "100" }), NOW);
    await expect(
      approveRequest(
        db,
        { kind: "member", actor: f.admin },
        id,
        approve({ amount: "99,999,999" }),
        NOW,
      ),
    ).rejects.toThrow(
      "above the 100,000,000.00 credits maximum: grant at most 99,999,200.00 credits",
    );
    await expect(
      approveRequest(
        db,
        { kind: "member", actor: f.admin },
        id,
        approve({ amount: "99,999,999" }),
        NOW,
      ),
    ).rejects.toBeInstanceOf(InvalidInputError);
    expect(
      (
        await approveRequest(
          db,
          { kind: "member", actor: f.admin },
          id,
          approve({ amount: "99,999,200" }),
          NOW,
        )
      ).grantedMicros,
    ).toBe(99_999_200n * M);
    expect(
      (await loadMemberLimit(db, f.ws.id, f.eng.memberId, "", NOW)).effective.limitMicros,
    ).toBe(100_000_000n * M);
  });
});

describe("one amount parser on every path", () => {
  it("1,5 is an error with a clear message — never 15 — for a limit, a request and a grant; exponents are refused", async () => {
    const { db, f } = await setup();
    await expect(
      createPolicy(
        db,
        f.admin,
        createPolicySchema.parse({ scope: "MEMBER", memberId: f.eng.memberId, amount: "1,5" }),
      ),
    ).rejects.toThrow(/Limit: a comma may only separate thousands/);
    await expect(fileRequest(db, f.eng, file({ amount: "1,5" }), NOW)).rejects.toThrow(
      /comma may only separate thousands/,
    );
    await expect(fileRequest(db, f.eng, file({ amount: "1e10000000" }), NOW)).rejects.toThrow(
      /no exponents/,
    );
    await expect(fileRequest(db, f.eng, file({ amount: "10.0000001" }), NOW)).rejects.toThrow(
      /more than 6 decimal places/,
    );
    const { id } = await fileRequest(db, f.eng, file({ amount: "1,200" }), NOW);
    expect((await db.creditRequest.findUniqueOrThrow({ where: { id } })).amountMicros).toBe(
      1200n * M,
    );
    await expect(
      approveRequest(db, { kind: "member", actor: f.admin }, id, approve({ amount: "1,5" }), NOW),
    ).rejects.toThrow(InvalidInputError);
    const p = await createPolicy(
      db,
      f.admin,
      createPolicySchema.parse({ scope: "MEMBER", memberId: f.eng2.memberId, amount: "12,345.5" }),
    );
    expect(p.amountMicros).toBe(12_345_500_000n);
    expect(
      await db.limitPolicy.count({ where: { workspaceId: f.ws.id, amountMicros: 15n * M } }),
    ).toBe(0);
  });
});

describe("a request needs a limit to raise", () => {
  it("an unlimited member cannot file (clear message); an approval for one is refused, not approved with no effect", async () => {
    const db = await testDb();
    const f = await limitsWorkspace(db); // no policies: everyone is unlimited
    await expect(fileRequest(db, f.eng, file({ amount: "100" }), NOW)).rejects.toThrow(
      "You have no personal limit (unlimited), so there is nothing for a request to raise",
    );
    const claude = await noAmountRequest(db, f.ws.id, f.eng.memberId);
    await expect(
      approveRequest(
        db,
        { kind: "member", actor: f.admin },
        claude.id,
        approve({ amount: "100" }),
        NOW,
      ),
    ).rejects.toThrow(`${f.eng.email} has no limit now (unlimited): a grant would change nothing`);
    expect((await db.creditRequest.findUniqueOrThrow({ where: { id: claude.id } })).status).toBe(
      "PENDING",
    );
    expect(await db.limitPolicy.count({ where: { workspaceId: f.ws.id } })).toBe(0);
    // with a workspace cap but no personal limit, the message points at the pool
    await createPolicy(
      db,
      f.owner,
      createPolicySchema.parse({ scope: "WORKSPACE", poolCap: "1000" }),
    );
    await expect(fileRequest(db, f.eng, file({ amount: "100" }), NOW)).rejects.toThrow(
      /what applies to you is the workspace cap, which an admin changes on the Limits screen/,
    );
  });
});
