/**
 * Cursor member spend limits through Allotment's plan / apply / drift / reconcile machinery,
 * against the local Cursor fake, which applies Cursor's own rule (a member's own limit, else
 * the team's per-member limit, else none) to what was written. Whole dollars, rounded down.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { connectVendor, updateConnectorSettings } from "@/lib/enforce/connectors";
import { adoptVendorValue, driftRows, reapplyMember, refreshDrift } from "@/lib/enforce/drift";
import { runEnforcementTick } from "@/lib/enforce/enforcement-tick";
import { applyPlan, buildPlan } from "@/lib/enforce/plan";
import { desiredLimits } from "@/lib/enforce/plan-desired";
import { drainQueue } from "@/lib/enforce/vendor-job-queue";
import { loadWorkspaceLimits } from "@/lib/limits/load-effective-limits";

import { startCursorFake, type CursorFake } from "../fake-vendors/cursor";
import { daysFrom, TEST_NOW, tickingClock } from "../helpers/clock";
import { makeMember, makeWorkspace, testDb } from "../helpers/db";
import { actorOf, DRAIN_BUDGET_MS, limitsWorkspace, OWNER_AUDIT, policy } from "../helpers/enforce";

const KEY = "key_cursor_enforce_0123456789";
const NOW = TEST_NOW;
const clock = tickingClock(NOW);
const clockMs = () => clock().getTime();
const M = 1_000_000n;

let fake: CursorFake;
beforeAll(async () => {
  fake = await startCursorFake({
    keys: [KEY],
    rateClock: clockMs,
    // one fake serves every test here: its windows are wide (the queue's own gate still counts)
    perMinute: {
      "/teams/spend": 10_000,
      "/teams/members": 10_000,
      "/teams/user-spend-limit": 10_000,
    },
  });
});
afterAll(() => fake.close());

async function setup(aliceUntil = daysFrom(NOW, 7), teamLimit: number | null = 300) {
  const db = await testDb();
  const w = await limitsWorkspace(db, aliceUntil);
  fake.state.teamLimitDollars = teamLimit;
  fake.state.overrides.clear();
  fake.state.errorStatus = 400;
  fake.state.refuseWrites = null;
  fake.state.faults = [];
  fake.state.members = [
    ...Object.values(w.people).map((m, i) => ({
      id: `user_${i}_${w.tag}`,
      email: m.email,
      name: m.name,
      role: "member",
      isRemoved: false,
    })),
    {
      id: `user_x_${w.tag}`,
      email: `stranger-${w.tag}@elsewhere.test`,
      name: "Stranger",
      role: "member",
      isRemoved: false,
    },
  ];
  const connector = await connectCursor(db, w.ws.id);
  return { db, ...w, connector };
}

async function connectCursor(db: Awaited<ReturnType<typeof testDb>>, workspaceId: string) {
  const c = await connectVendor(db, workspaceId, OWNER_AUDIT, {
    vendor: "cursor",
    baseUrl: fake.url,
    apiKey: KEY,
  });
  return updateConnectorSettings(db, workspaceId, OWNER_AUDIT, c.id, { enabled: true });
}

const writesTo = (email: string) =>
  fake.writes().filter((c) => (c.body as { userEmail?: string })?.userEmail === email);

describe("Cursor enforcement", () => {
  it("plans whole dollars rounded down, applies them, audits Cursor's answers, and re-applying writes nothing", async () => {
    const { db, ws, connector, people } = await setup();
    // Allotment's default $500.999999: Cursor is told $500 (never more than Allotment)
    await db.limitPolicy.updateMany({
      where: { workspaceId: ws.id, scope: "WORKSPACE" },
      data: { amountMicros: 500_999_999n },
    });
    const plan = await buildPlan(db, ws.id, connector.id, OWNER_AUDIT, NOW);
    expect(plan.unit).toBe("usd_whole");
    const byName = new Map(plan.items.map((i) => [i.name, i]));
    expect(byName.get("Alice")).toMatchObject({
      action: "set",
      currentText: "$300.00 (team per-member limit)",
      targetText: "$1,200.00 (whole dollars, rounded down)",
    });
    expect(byName.get("Carol")).toMatchObject({
      action: "set",
      targetText: "$500.00 (whole dollars, rounded down)",
      allotmentText: "$501.00",
    });
    expect(byName.get("Carol")!.targetMicros).toBe(String(500n * M));
    expect(byName.get("Bob")).toMatchObject({ action: "set", reason: "group Platform" });
    expect(byName.get("Alice")!.revertAt).not.toBeNull(); // Cursor cannot expire it: Allotment will
    expect(plan.changes).toBe(5);
    expect(plan.unmatched.some((e) => e.startsWith("stranger-"))).toBe(true);
    const before = fake.writes().length;

    // a 429 without Retry-After (as documented) on the first write: backed off, then written
    fake.state.faults.push({ match: /user-spend-limit/, status: 429, times: 1 });
    expect((await applyPlan(db, ws.id, plan.id, OWNER_AUDIT, NOW)).enqueued).toBe(5);
    const drained = await drainQueue(db, { workspaceId: ws.id, budgetMs: DRAIN_BUDGET_MS, clock });
    expect(drained).toMatchObject({ succeeded: 5, failed: 0 });
    expect(drained.retried).toBeGreaterThanOrEqual(1);
    expect(fake.writes().length - before).toBe(6);
    expect(fake.effectiveLimit(people.alice.email)).toBe(1200);
    expect(fake.effectiveLimit(people.bob.email)).toBe(800);
    expect(fake.effectiveLimit(people.eve.email)).toBe(800);
    expect(fake.effectiveLimit(people.carol.email)).toBe(500);
    expect(fake.effectiveLimit(people.frank.email)).toBe(500);
    expect(writesTo(people.carol.email).at(-1)!.body).toEqual({
      userEmail: people.carol.email,
      spendLimitDollars: 500,
    });
    const audits = await db.auditEvent.findMany({
      where: { workspaceId: ws.id, action: "enforcement.set_limit" },
    });
    expect(audits).toHaveLength(5);
    expect(JSON.parse(audits[0]!.afterJson!).vendorResponse).toMatchObject({
      outcome: "success",
    });

    // idempotent: the same plan enqueues nothing, a fresh plan is empty, a tick writes nothing
    const after = fake.writes().length;
    expect((await applyPlan(db, ws.id, plan.id, OWNER_AUDIT, NOW)).enqueued).toBe(0);
    expect((await buildPlan(db, ws.id, connector.id, OWNER_AUDIT, NOW)).changes).toBe(0);
    await runEnforcementTick(db, ws.id, { clock, budgetMs: DRAIN_BUDGET_MS });
    expect(fake.writes().length).toBe(after);
  });

  it("a console edit shows as drift; re-apply writes Allotment's value back, adopt makes it Allotment's", async () => {
    const { db, ws, connector, people, owner } = await setup();
    const plan = await buildPlan(db, ws.id, connector.id, OWNER_AUDIT, NOW);
    await applyPlan(db, ws.id, plan.id, OWNER_AUDIT, NOW);
    await drainQueue(db, { workspaceId: ws.id, budgetMs: DRAIN_BUDGET_MS, clock });
    fake.consoleSetLimit(people.carol.email, 900);
    fake.consoleSetLimit(people.frank.email, 200);
    const drift = await refreshDrift(db, ws.id, NOW);
    expect(drift.map((d) => [d.name, d.cause, d.currentText])).toEqual([
      ["Carol", "vendor", "$900.00 (user limit)"],
      ["Frank", "vendor", "$200.00 (user limit)"],
    ]);
    expect(await reapplyMember(db, ws.id, OWNER_AUDIT, connector.id, people.carol.id, NOW)).toBe(
      true,
    );
    await drainQueue(db, { workspaceId: ws.id, budgetMs: DRAIN_BUDGET_MS, clock });
    expect(fake.effectiveLimit(people.carol.email)).toBe(500);
    // a raise waits for the owner (drift), a lowering would go at once
    await runEnforcementTick(db, ws.id, { clock, budgetMs: DRAIN_BUDGET_MS });
    expect(fake.effectiveLimit(people.frank.email)).toBe(200);
    await adoptVendorValue(db, actorOf(owner), connector.id, people.frank.id);
    const limits = await loadWorkspaceLimits(db, ws.id, NOW, new Set([people.frank.id]));
    expect(limits.members[0]!.effective.limitMicros).toBe(200n * M);
    expect((await driftRows(db, ws.id, NOW)).map((d) => d.name)).toEqual([]);
  });

  it("reverts an expired grant on time; a $0 limit is written once (it reads back as Cursor's '0 = no override')", async () => {
    const until = daysFrom(NOW, 2);
    const { db, ws, connector, people } = await setup(until, null);
    // Frank: $0 (blocked)
    await policy(db, ws.id, `MEMBER:${people.frank.id}`, 0n, { memberId: people.frank.id });
    await runEnforcementTick(db, ws.id, { clock, budgetMs: DRAIN_BUDGET_MS });
    expect(fake.effectiveLimit(people.alice.email)).toBe(1200);
    expect(fake.effectiveLimit(people.frank.email)).toBe(0);
    // the $0 limit reads back as "0 = no override" (§3.3); Allotment knows it wrote $0 and does not write again
    const n = fake.writes().length;
    await runEnforcementTick(db, ws.id, {
      clock: () => daysFrom(NOW, 1),
      budgetMs: DRAIN_BUDGET_MS,
    });
    expect(fake.writes().length).toBe(n);
    // the grant ends: Alice goes back to Allotment's default
    const late = await runEnforcementTick(db, ws.id, {
      clock: () => daysFrom(until, 0.01),
      budgetMs: DRAIN_BUDGET_MS,
    });
    expect(late.reverts).toBe(1);
    expect(fake.effectiveLimit(people.alice.email)).toBe(500);

    // with a team limit the $0 limit reads unambiguously (0 while the team says $250)
    fake.state.teamLimitDollars = 250;
    const plan = await buildPlan(db, ws.id, connector.id, OWNER_AUDIT, daysFrom(until, 0.02));
    expect(plan.items.find((i) => i.name === "Frank")).toMatchObject({
      action: "none",
      currentText: "$0.00 (user limit)",
    });
  });

  it.each([200, 400])(
    "an {outcome: error} answer fails the job with Cursor's message and is audited (HTTP %i)",
    async (status) => {
      const { db, ws, connector, people } = await setup();
      fake.state.errorStatus = status;
      fake.state.refuseWrites = "Spend limits can only be set on Enterprise teams";
      const plan = await buildPlan(db, ws.id, connector.id, OWNER_AUDIT, NOW);
      await applyPlan(db, ws.id, plan.id, OWNER_AUDIT, NOW);
      const d = await drainQueue(db, { workspaceId: ws.id, budgetMs: DRAIN_BUDGET_MS, clock });
      expect(d).toMatchObject({ succeeded: 0, failed: 5 });
      const job = await db.vendorJob.findFirstOrThrow({
        where: { connectorId: connector.id, memberId: people.alice.id },
      });
      expect(job.status).toBe("FAILED");
      expect(job.lastError).toContain("Spend limits can only be set on Enterprise teams");
      expect(fake.state.overrides.size).toBe(0);
      const failed = await db.auditEvent.findFirstOrThrow({
        where: { workspaceId: ws.id, action: "enforcement.set_limit.failed" },
      });
      expect(JSON.parse(failed.afterJson!).response).toEqual({
        outcome: "error",
        message: "Spend limits can only be set on Enterprise teams",
      });
    },
  );
});

describe("Cursor's rule over a generated organisation", () => {
  it("for every member, Cursor's evaluation of what Allotment wrote equals Allotment's effective limit (whole dollars, rounded down), or the plan says why not", async () => {
    const db = await testDb();
    let seed = 2326;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    let checked = 0;
    let flagged = 0;
    for (const budgetUnit of ["USD", "CREDITS"] as const) {
      for (let org = 0; org < 3; org++) {
        const ws = await makeWorkspace(db, { budgetUnit, usdPerCreditMicros: 40_000n });
        const n = 8 + Math.floor(rnd() * 8);
        const people = [];
        for (let i = 0; i < n; i++)
          people.push(
            await makeMember(db, ws.id, { email: `p${i}-${ws.slug}@gen.test`, name: `P${i}` }),
          );
        const amount = () => BigInt(Math.floor(rnd() * 2_000_000_000)); // micros, fractional
        const maybe = <T>(v: () => T) => (rnd() < 0.75 ? v() : null);
        const def = maybe(amount);
        if (def !== null)
          await db.limitPolicy.create({
            data: {
              workspaceId: ws.id,
              scope: "WORKSPACE",
              target: "WORKSPACE",
              amountMicros: def,
            },
          });
        for (let g = 0; g < 2; g++) {
          const group = await db.group.create({
            data: { workspaceId: ws.id, name: `G${g}`, costCenter: "" },
          });
          for (const p of people)
            if (rnd() < 0.35)
              await db.groupMember.create({ data: { groupId: group.id, memberId: p.id } });
          await db.limitPolicy.create({
            data: {
              workspaceId: ws.id,
              scope: "GROUP",
              target: `GROUP:${group.id}`,
              groupId: group.id,
              amountMicros: rnd() < 0.15 ? null : amount(),
            },
          });
        }
        for (const p of people)
          if (rnd() < 0.3)
            await db.limitPolicy.create({
              data: {
                workspaceId: ws.id,
                scope: "MEMBER",
                target: `MEMBER:${p.id}`,
                memberId: p.id,
                amountMicros: rnd() < 0.1 ? 0n : rnd() < 0.1 ? null : amount(),
              },
            });
        const teamLimit = rnd() < 0.5 ? null : Math.floor(rnd() * 1500);
        fake.state.teamLimitDollars = teamLimit;
        fake.state.overrides.clear();
        fake.state.faults = [];
        fake.state.refuseWrites = null;
        // most people have a Cursor seat; some limits were set in the console before Allotment
        fake.state.members = people
          .filter(() => rnd() < 0.9)
          .map((p, i) => ({
            id: `u${i}`,
            email: p.email,
            name: p.name,
            role: "member",
            isRemoved: false,
          }));
        for (const m of fake.state.members)
          if (rnd() < 0.2) fake.state.overrides.set(m.email, Math.floor(rnd() * 900));
        const connector = await connectCursor(db, ws.id);
        const plan = await buildPlan(db, ws.id, connector.id, OWNER_AUDIT, NOW);
        await applyPlan(db, ws.id, plan.id, OWNER_AUDIT, NOW);
        await drainQueue(db, { workspaceId: ws.id, budgetMs: DRAIN_BUDGET_MS, clock });

        const limits = await loadWorkspaceLimits(db, ws.id, NOW);
        const desired = await desiredLimits(db, connector, "usd_whole", NOW);
        const items = new Map(plan.items.map((i) => [i.memberId, i]));
        for (const m of limits.members) {
          const seat = fake.state.members.find((x) => x.email === m.email);
          if (!seat) continue;
          const e = m.effective;
          const cursorSays = fake.effectiveLimit(m.email);
          if (e.level === "NONE") continue; // Allotment has no say: Cursor's own settings stay
          // Allotment's limit in USD, rounded down to whole dollars (nothing used yet: the whole limit)
          const usd =
            e.limitMicros === null
              ? null
              : budgetUnit === "USD"
                ? e.limitMicros
                : (e.limitMicros * 40_000n) / M;
          const expected = usd === null ? null : Number(usd / M);
          expect(desired.get(m.memberId)!.micros).toBe(
            expected === null ? null : BigInt(expected) * M,
          );
          if (expected === null && teamLimit !== null) {
            // impossible: the plan flags it and Cursor keeps the stricter team limit
            expect(items.get(m.memberId)!.targetText).toMatch(
              /Cursor cannot make a member unlimited/,
            );
            expect(cursorSays).toBe(teamLimit);
            flagged++;
          } else
            expect({ email: m.email, cursorSays }).toEqual({
              email: m.email,
              cursorSays: expected,
            });
          checked++;
        }
      }
    }
    console.log(
      `Cursor rule check: ${checked} members over 6 organisations, ${flagged} flagged impossible`,
    );
    expect(checked).toBeGreaterThan(40);
  });
});
