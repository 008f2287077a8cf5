/**
 * Issue 23, finding by finding, against both fake vendors: one budget across vendors (and a
 * grant from Claude's queue reaching ChatGPT), an end date added to an applied override,
 * a failed revert retried until acknowledged, rounding down, unmatched vendor users mapped
 * (identities for budget checks), and errors an owner can act on.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { evaluateAlerts } from "@/lib/alerts/evaluate";
import { InvalidInputError } from "@/lib/core/errors";
import { runEnforcementAction } from "@/lib/enforce/actions";
import { runEnforcementTick } from "@/lib/enforce/enforcement-tick";
import { applyPlan, buildPlan } from "@/lib/enforce/plan";
import { enforcementScreen } from "@/lib/enforce/screen";
import { drainQueue } from "@/lib/enforce/vendor-job-queue";
import { readVendor } from "@/lib/enforce/vendor-state";
import { findMemberByHandle } from "@/lib/limits/find-member";
import { approveRequest } from "@/lib/requests/decide-credit-request";

import { ALL_CHATGPT_SCOPES, startChatgptFake, type ChatgptFake } from "../fake-vendors/chatgpt";
import { startClaudeFake, type ClaudeFake } from "../fake-vendors/claude";
import { resetAppNow, setAppNow } from "../helpers/app-clock";
import { msFrom, TEST_NOW } from "../helpers/clock";
import { makeMember, makeWorkspace, testDb } from "../helpers/db";
import { actorOf, connect, OWNER_AUDIT, policy } from "../helpers/enforce";

const CG_KEY = "chatgpt-admin-never-more";
const CL_KEY = "sk-ant-admin-never-more";
let now = new Date(TEST_NOW);
const nowMs = () => now.getTime();
function setNow(t: Date) {
  now = t;
  setAppNow(t);
}
let cg: ChatgptFake;
let cl: ClaudeFake;

beforeAll(async () => {
  cg = await startChatgptFake({
    workspaceId: "ws-nm",
    unit: "credit",
    keys: { [CG_KEY]: ALL_CHATGPT_SCOPES },
    workspaceDefault: { type: "limited", limit_amount: { amount: "100", unit: "credit" } },
    clock: nowMs,
    rateClock: nowMs,
    perMinute: 1000,
  });
  cl = await startClaudeFake({
    keys: { [CL_KEY]: ["read:spend_limits", "write:spend_limits"] },
    organizationDefault: "50000",
    clock: nowMs,
    rateClock: nowMs,
    perMinute: 1000,
  });
});
afterAll(async () => {
  resetAppNow();
  await cg.close();
  await cl.close();
});

/** A USD workspace ($0.04 per credit), default $500; people at both vendors. */
async function setup(
  names: string[],
  opts: { chatgpt?: boolean; claude?: boolean } = { chatgpt: true, claude: true },
) {
  setNow(new Date(TEST_NOW));
  const db = await testDb();
  const ws = await makeWorkspace(db, { budgetUnit: "USD" });
  const owner = await makeMember(db, ws.id, { email: `owner-${ws.slug}@acme.test`, role: "OWNER" });
  await policy(db, ws.id, "WORKSPACE", 500n);
  const people: Record<
    string,
    {
      id: string;
      email: string;
      cg: string;
      cl: string;
      row: Awaited<ReturnType<typeof makeMember>>;
    }
  > = {};
  for (const n of names) {
    const m = await makeMember(db, ws.id, { email: `${n}-${ws.slug}@acme.test`, name: n });
    const p = {
      id: m.id,
      email: m.email,
      cg: `user-${n}-${ws.slug}`,
      cl: `user_${n}_${ws.slug}`,
      row: m,
    };
    if (opts.chatgpt) cg.state.users.push({ id: p.cg, email: m.email, name: n });
    if (opts.claude)
      cl.state.users.push({ id: p.cl, email: m.email, name: n, seatTier: "standard" });
    people[n] = p;
  }
  const chatgpt = opts.chatgpt
    ? await connect(db, ws.id, "chatgpt", cg.url, CG_KEY, "ws-nm")
    : null;
  const claude = opts.claude ? await connect(db, ws.id, "claude", cl.url, CL_KEY) : null;
  const tick = () => runEnforcementTick(db, ws.id, { clock: () => now, budgetMs: 5000 });
  const onboard = async () => {
    for (const c of [chatgpt, claude])
      if (c)
        await readVendor(db, await db.vendorConnector.findUniqueOrThrow({ where: { id: c.id } }), {
          now,
        });
    for (const c of [chatgpt, claude]) {
      if (!c) continue;
      const plan = await buildPlan(db, ws.id, c.id, OWNER_AUDIT, now);
      await applyPlan(db, ws.id, plan.id, OWNER_AUDIT, now);
      await drainQueue(db, { workspaceId: ws.id, clock: () => now, budgetMs: 5000 });
    }
    for (let i = 0; i < 3; i++) {
      setNow(msFrom(now, 120_000));
      await tick();
    }
  };
  return { db, ws, owner, people, chatgpt, claude, tick, onboard };
}

const usdAtChatgpt = (userId: string) => {
  const r = cg.effectiveOf(userId).rule;
  return r.type === "unlimited" ? Infinity : Number(r.limit_amount!.amount) * 0.04;
};
const usdAtClaude = (userId: string) => Number(cl.effectiveOf(userId).amount) / 100;

describe("one budget across vendors", () => {
  it("splits a $500 all-products limit so ChatGPT + Claude allow $500 in total, follows usage, and a grant from Claude's queue reaches ChatGPT too", async () => {
    const { db, ws, owner, people, tick, onboard } = await setup(["dan"]);
    const dan = people.dan!;
    await onboard();
    // no recent use: even — $250 each (6,250 credits at $0.04)
    expect(usdAtChatgpt(dan.cg)).toBe(250);
    expect(usdAtClaude(dan.cl)).toBe(250);
    const screen = await enforcementScreen(db, ws.id, now);
    expect(screen.overAllowance).toEqual([]);
    const plan = await buildPlan(
      db,
      ws.id,
      screen.connectors.find((c) => c.vendor === "claude")!.id,
      OWNER_AUDIT,
      now,
    );
    const item = plan.items.find((i) => i.memberId === dan.id)!;
    expect(item.shares.map((s) => `${s.vendor} ${s.text}`).sort()).toEqual([
      "chatgpt 6,250.00 credits",
      "claude $250.00",
    ]);
    expect(item.totalText).toMatch(/\$500\.00 in total/);

    // $100 of Claude Code usage arrives: Claude keeps its $100 spent + its (now larger) share of $400
    await db.usageDailyRollup.create({
      data: {
        workspaceId: ws.id,
        day: now.toISOString().slice(0, 10),
        memberKey: dan.id,
        product: "claude_code",
        model: "",
        provider: "anthropic",
        costMicros: 100_000_000n,
      },
    });
    await db.workspace.update({ where: { id: ws.id }, data: { usageVersion: { increment: 1 } } });
    for (let i = 0; i < 3; i++) {
      setNow(msFrom(now, 120_000));
      await tick();
      expect(usdAtChatgpt(dan.cg) + usdAtClaude(dan.cl)).toBeLessThanOrEqual(500);
    }
    expect(usdAtClaude(dan.cl)).toBeGreaterThan(250);
    expect(usdAtChatgpt(dan.cg) + usdAtClaude(dan.cl)).toBeGreaterThan(499.9);

    // Dan asks Claude for more; a $200 grant raises the Allotment limit to $700: both vendors move
    const chatgptBefore = usdAtChatgpt(dan.cg);
    const slir = cl.fileRequest(dan.cl);
    await tick();
    const req = await db.creditRequest.findFirstOrThrow({
      where: { workspaceId: ws.id, externalId: slir },
    });
    await approveRequest(
      db,
      { kind: "member", actor: actorOf(owner) },
      req.id,
      { amount: "200", note: undefined },
      now,
    );
    for (let i = 0; i < 3; i++) {
      setNow(msFrom(now, 120_000));
      await tick();
      expect(usdAtChatgpt(dan.cg) + usdAtClaude(dan.cl)).toBeLessThanOrEqual(700);
    }
    expect(cl.state.requests.find((r) => r.id === slir)!.status).toBe("approved");
    expect(usdAtChatgpt(dan.cg)).toBeGreaterThan(chatgptBefore);
    expect(usdAtChatgpt(dan.cg) + usdAtClaude(dan.cl)).toBeGreaterThan(699.9);
  }, 120_000);
});

describe("end dates, reverts and retries", () => {
  it("an end date added to an override already at the vendor reverts it after the date; a revert that fails is retried until it lands", async () => {
    const { db, ws, people, tick, onboard } = await setup(["erin"], { claude: true });
    const erin = people.erin!;
    const target = `MEMBER:${erin.id}`;
    await db.limitPolicy.create({
      data: {
        workspaceId: ws.id,
        scope: "MEMBER",
        target,
        memberId: erin.id,
        amountMicros: 1_001_500_000n,
      },
    });
    await onboard();
    expect(usdAtClaude(erin.cl)).toBe(1001.5);
    // add an end date in 30 minutes: nothing to write now, the plan says who ends it
    const ends = msFrom(now, 30 * 60_000);
    await db.limitPolicy.updateMany({
      where: { workspaceId: ws.id, target },
      data: { expiresAt: ends },
    });
    const plan = await buildPlan(
      db,
      ws.id,
      (
        await db.vendorConnector.findFirstOrThrow({
          where: { workspaceId: ws.id, vendor: "claude" },
        })
      ).id,
      OWNER_AUDIT,
      now,
    );
    expect(plan.items.find((i) => i.memberId === erin.id)).toMatchObject({
      action: "none",
      endText: expect.stringMatching(/Allotment reverts it then/),
    });

    // after the date, Claude rate-limits every call for a long while: the revert fails…
    cl.state.faults.push({ status: 429, retryAfter: "30", times: 40 });
    for (let i = 0; i < 8; i++) {
      setNow(msFrom(i === 0 ? ends : now, 60_000));
      await tick();
    }
    expect(usdAtClaude(erin.cl)).toBe(1001.5);
    const failing = await db.vendorJob.findMany({
      where: { workspaceId: ws.id, status: "FAILED", acknowledgedAt: null },
    });
    expect(failing.length).toBe(1);
    const screen = await enforcementScreen(db, ws.id, now);
    expect(screen.overAllowance.map((r) => r.email)).toEqual([erin.email]);
    expect(screen.overAllowance[0]).toMatchObject({
      allotmentText: "$500.00",
      vendorsText: "$1,001.50",
      excessText: "$501.50",
      fixing: true,
    });
    expect(screen.failing.map((f) => f.id)).toEqual([failing[0]!.id]);
    // the continuous check is also an alert to the owners, admins and finance
    await evaluateAlerts(db, ws.id, now);
    const raised = await db.alert.findMany({
      where: { workspaceId: ws.id, kind: "vendor_over_allowance" },
    });
    expect(raised.map((a) => [a.subjectId, a.status])).toEqual([[erin.id, "OPEN"]]);
    expect(raised[0]!.message).toContain("$501.50 more than Allotment's $500.00");
    // …the storm passes: the same failed write is tried again and lands (no idempotency key in the way)
    cl.state.faults.length = 0;
    for (let i = 0; i < 3 && usdAtClaude(erin.cl) !== 500; i++) {
      setNow(msFrom(now, 61 * 60_000));
      await tick();
    }
    expect(usdAtClaude(erin.cl)).toBe(500);
    expect((await enforcementScreen(db, ws.id, now)).overAllowance).toEqual([]);
    await evaluateAlerts(db, ws.id, now);
    expect(
      (
        await db.alert.findFirstOrThrow({
          where: { workspaceId: ws.id, kind: "vendor_over_allowance" },
        })
      ).status,
    ).toBe("RESOLVED");
    expect(
      await db.auditEvent.count({
        where: { workspaceId: ws.id, action: "enforcement.clear_limit.failed" },
      }),
    ).toBe(1);
  }, 120_000);

  it("an owner can acknowledge a failing write: it stops being retried (audited) and the check still shows the excess", async () => {
    const { db, ws, people, owner, onboard, tick } = await setup(["fay"], { claude: true });
    const fay = people.fay!;
    await onboard();
    cl.consoleSetLimit(fay.cl, "90000"); // $900 at the vendor, set in its console
    await db.vendorConnector.updateMany({
      where: { workspaceId: ws.id },
      data: { lastReadAt: null },
    });
    cl.state.faults.push({ match: /^(POST|DELETE) /, status: 400, times: 1000 });
    setNow(msFrom(now, 120_000));
    await tick();
    const job = await db.vendorJob.findFirstOrThrow({
      where: { workspaceId: ws.id, status: "FAILED" },
    });
    const out = await runEnforcementAction(
      db,
      actorOf(owner),
      { op: "acknowledge", jobId: job.id },
      now,
    );
    expect(out.message).toMatch(/Acknowledged/);
    expect(
      await db.auditEvent.count({
        where: { workspaceId: ws.id, action: "enforcement.job.acknowledge", targetId: job.id },
      }),
    ).toBe(1);
    const writes = cl.writes().length;
    for (let i = 0; i < 3; i++) {
      setNow(msFrom(now, 61 * 60_000));
      await tick();
    }
    expect(cl.writes().length).toBe(writes); // not retried, not re-queued for the same target
    const screen = await enforcementScreen(db, ws.id, now);
    expect(screen.failing).toEqual([]);
    expect(screen.overAllowance.map((r) => r.email)).toEqual([fay.email]);
    cl.state.faults.length = 0;
  }, 120_000);
});

describe("rounding, unmatched users, errors", () => {
  it("rounds toward the stricter side and shows Allotment's value beside the vendor's", async () => {
    const { db, ws, people } = await setup(["gus"], { chatgpt: true });
    const gus = people.gus!;
    await db.limitPolicy.create({
      data: {
        workspaceId: ws.id,
        scope: "MEMBER",
        target: `MEMBER:${gus.id}`,
        memberId: gus.id,
        amountMicros: 40_060_000n,
      },
    }); // $40.06 = 1,001.5 credits
    const c = (
      await db.vendorConnector.findFirstOrThrow({
        where: { workspaceId: ws.id, vendor: "chatgpt" },
      })
    ).id;
    const plan = await buildPlan(db, ws.id, c, OWNER_AUDIT, now);
    expect(plan.items.find((i) => i.memberId === gus.id)).toMatchObject({
      action: "set",
      targetText: "1,001.00 credits",
      allotmentText: "$40.06",
    });
    await applyPlan(db, ws.id, plan.id, OWNER_AUDIT, now);
    await drainQueue(db, { workspaceId: ws.id, clock: () => now, budgetMs: 5000 });
    expect(cg.effectiveOf(gus.cg).rule.limit_amount!.amount).toBe("1001");
  });

  it("lists an unmatched vendor user with her pending request; mapping her imports it and a budget check by her Claude user id finds her", async () => {
    const { db, ws, owner, people, tick } = await setup(["hal"], { claude: true });
    const ivy = await makeMember(db, ws.id, {
      email: `ivy.personal-${ws.slug}@acme.test`,
      name: "Ivy",
    });
    const ivyClaude = `user_ivy_${ws.slug}`;
    cl.state.users.push({
      id: ivyClaude,
      email: `ivy-${ws.slug}@contractor.test`,
      name: "Ivy (contractor)",
      seatTier: "standard",
    });
    const slir = cl.fileRequest(ivyClaude);
    await tick();
    // (the fake Claude organisation is shared by this file's workspaces: look at this one's people)
    const mine = (s: Awaited<ReturnType<typeof enforcementScreen>>) =>
      s.unmatched.filter((u) => u.email.includes(ws.slug));
    let screen = await enforcementScreen(db, ws.id, now);
    expect(mine(screen)).toEqual([
      expect.objectContaining({
        userId: ivyClaude,
        email: `ivy-${ws.slug}@contractor.test`,
        requests: [slir],
      }),
    ]);
    expect(screen.connectors[0]!.plan).toBeNull();
    expect(await findMemberByHandle(db, ws.id, ivyClaude)).toBeNull();
    // hal was matched by email: his Claude user id is an identity now
    expect((await findMemberByHandle(db, ws.id, people.hal!.cl))?.id).toBe(people.hal!.id);

    await runEnforcementAction(
      db,
      actorOf(owner),
      {
        op: "map",
        connectorId: screen.connectors[0]!.id,
        vendorUserId: ivyClaude,
        memberId: ivy.id,
      },
      now,
    );
    expect((await findMemberByHandle(db, ws.id, ivyClaude))?.id).toBe(ivy.id);
    setNow(msFrom(now, 60_000));
    await tick();
    expect(
      await db.creditRequest.count({
        where: { workspaceId: ws.id, externalId: slir, requesterId: ivy.id },
      }),
    ).toBe(1);
    screen = await enforcementScreen(db, ws.id, now);
    expect(mine(screen)).toEqual([]);
  });

  it("plan preview with a wrong key, an unreachable base URL or a wrong workspace id answers a clear 4xx naming the cause; Connect checks first", async () => {
    const { db, ws, owner } = await setup(["jo"], { chatgpt: true, claude: true });
    const actor = actorOf(owner);
    const cgRow = await db.vendorConnector.findFirstOrThrow({
      where: { workspaceId: ws.id, vendor: "chatgpt" },
    });
    const clRow = await db.vendorConnector.findFirstOrThrow({
      where: { workspaceId: ws.id, vendor: "claude" },
    });
    const plan = (connectorId: string) =>
      runEnforcementAction(db, actor, { op: "plan", connectorId }, now);

    await db.vendorConnector.update({
      where: { id: cgRow.id },
      data: { vendorWorkspaceId: "ws-wrong" },
    });
    await expect(plan(cgRow.id)).rejects.toThrow(/Check the workspace id "ws-wrong"/);
    await db.vendorConnector.update({
      where: { id: cgRow.id },
      data: { vendorWorkspaceId: "ws-nm", baseUrl: "http://127.0.0.1:9/v1" },
    });
    const unreachable = await plan(cgRow.id).catch((e: unknown) => e);
    expect(unreachable).toBeInstanceOf(InvalidInputError);
    expect((unreachable as Error).message).toMatch(
      /Could not reach ChatGPT at http:\/\/127\.0\.0\.1:9\/v1/,
    );

    // Connect with a wrong key: refused with the reason, nothing saved (the old key stays)
    await expect(
      runEnforcementAction(
        db,
        actor,
        {
          op: "connect",
          input: {
            vendor: "claude",
            baseUrl: cl.url,
            apiKey: "sk-ant-admin-WRONG",
            vendorWorkspaceId: undefined,
          },
        },
        now,
      ),
    ).rejects.toThrow(/Claude answered "not found".*unknown or revoked admin key/);
    expect((await db.vendorConnector.findUniqueOrThrow({ where: { id: clRow.id } })).keyHint).toBe(
      clRow.keyHint,
    );
    await expect(plan(clRow.id)).resolves.toMatchObject({
      message: expect.stringMatching(/Plan ready/),
    });
    // a key that the vendor refuses at read time
    cl.state.keys.delete(CL_KEY);
    try {
      await expect(plan(clRow.id)).rejects.toBeInstanceOf(InvalidInputError);
    } finally {
      cl.state.keys.set(CL_KEY, ["read:spend_limits", "write:spend_limits"]);
    }
    // a re-key of a connector that is on says it stays on
    const again = await runEnforcementAction(
      db,
      actor,
      {
        op: "connect",
        input: { vendor: "claude", baseUrl: cl.url, apiKey: CL_KEY, vendorWorkspaceId: undefined },
      },
      now,
    );
    expect(again.message).toMatch(/It stays on/);
  });

  it("a vendor group whose name an Allotment group already has is reported as not mirrored, with why, and linking mirrors its members", async () => {
    const { db, ws, owner, people } = await setup(["kim", "lou"], { chatgpt: true });
    const handMade = await db.group.create({
      data: { workspaceId: ws.id, name: `Platform ${ws.slug}`, costCenter: "CC-9" },
    });
    cg.state.groups.push({
      id: `g-plat-${ws.slug}`,
      name: `Platform ${ws.slug}`,
      userIds: [people.kim!.cg, people.lou!.cg],
      limit: { type: "limited", limit_amount: { amount: "20000", unit: "credit" } },
    });
    const c = await db.vendorConnector.findFirstOrThrow({
      where: { workspaceId: ws.id, vendor: "chatgpt" },
    });
    await readVendor(db, c, { now });
    let screen = await enforcementScreen(db, ws.id, now);
    const g = screen.vendorGroups.find((x) => x.vendorGroupId === `g-plat-${ws.slug}`)!;
    expect(g).toMatchObject({
      status: "not_mirrored",
      note: expect.stringMatching(/was made by hand and the import does not rewrite it/),
    });
    const out = await runEnforcementAction(
      db,
      actorOf(owner),
      { op: "link", connectorId: c.id, vendorGroupId: g.vendorGroupId, groupId: handMade.id },
      now,
    );
    expect(out.message).toMatch(/2 vendor group member\(s\) added/);
    expect(
      (await db.groupMember.findMany({ where: { groupId: handMade.id } }))
        .map((m) => m.memberId)
        .sort(),
    ).toEqual([people.kim!.id, people.lou!.id].sort());
    screen = await enforcementScreen(db, ws.id, now);
    expect(screen.vendorGroups.find((x) => x.vendorGroupId === g.vendorGroupId)).toMatchObject({
      status: "linked",
    });
    expect(
      await db.auditEvent.count({
        where: { workspaceId: ws.id, action: "enforcement.groups.link" },
      }),
    ).toBe(1);
  });
});
