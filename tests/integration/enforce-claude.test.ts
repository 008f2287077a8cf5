import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { ConflictError, InvalidInputError } from "@/lib/core/errors";
import { setPaused } from "@/lib/enforce/connectors";
import { adoptVendorValue, driftRows, reapplyMember, refreshDrift } from "@/lib/enforce/drift";
import { runEnforcementTick } from "@/lib/enforce/enforcement-tick";
import { applyPlan, buildPlan } from "@/lib/enforce/plan";
import { drainQueue } from "@/lib/enforce/vendor-job-queue";

import { startClaudeFake, type ClaudeFake } from "../fake-vendors/claude";
import { daysFrom, msFrom, TEST_NOW, tickingClock } from "../helpers/clock";
import { testDb } from "../helpers/db";
import {
  actorOf,
  connect,
  DRAIN_BUDGET_MS,
  limitsWorkspace,
  OWNER_AUDIT,
} from "../helpers/enforce";

let fake: ClaudeFake;
const KEY = "sk-ant-admin-enforce";
const NOW = TEST_NOW;
/**
 * NOW, running on with elapsed time: the queue waits on it for a Retry-After; the fake vendor
 * shares it. Every test here is its own organization at the vendor, but they share one fake:
 * its per-organization budget is raised so the file's ~50 calls never add up to 60 in a minute
 * on a fast machine (the queue's own rate gate still counts 60/min per connector).
 */
const clock = tickingClock(NOW);
const clockMs = () => clock().getTime();

beforeAll(async () => {
  fake = await startClaudeFake({
    keys: {
      [KEY]: ["read:spend_limits", "write:spend_limits"],
      "sk-ant-readonly": ["read:spend_limits"],
    },
    organizationDefault: "50000",
    clock: clockMs,
    rateClock: clockMs,
    perMinute: 600,
  });
});
afterAll(async () => fake.close());

async function setup(aliceUntil = daysFrom(NOW, 7)) {
  const db = await testDb();
  const w = await limitsWorkspace(db, aliceUntil);
  // vendor-side users for each person (+ one the workspace does not know)
  const ids: Record<string, string> = {};
  for (const [k, m] of Object.entries(w.people)) {
    ids[k] = `user_${k}_${w.tag}`;
    fake.state.users.push({
      id: ids[k]!,
      name: m.name,
      email: m.email,
      seatTier: "enterprise_standard",
    });
  }
  fake.state.users.push({
    id: `user_stranger_${w.tag}`,
    name: "Stranger",
    email: `stranger-${w.tag}@elsewhere.test`,
    seatTier: "enterprise_standard",
  });
  const connector = await connect(db, w.ws.id, "claude", fake.url, KEY);
  return { db, ...w, ids, connector };
}

describe("Claude enforcement: plan / apply", () => {
  it("previews exactly who changes from what to what, applies through the queue, audits the vendor's answers, and re-applying writes nothing", async () => {
    const { db, ws, connector, ids } = await setup();
    const plan = await buildPlan(db, ws.id, connector.id, OWNER_AUDIT, NOW);
    const byName = new Map(plan.items.map((i) => [i.name, i]));
    expect(plan.unit).toBe("usd");
    expect(byName.get("Alice")).toMatchObject({
      action: "set",
      currentText: "$500.00 (organization default)",
      targetText: "$1,200.00",
    });
    expect(byName.get("Alice")!.revertAt).not.toBeNull(); // Claude cannot expire it: Allotment will
    expect(byName.get("Bob")).toMatchObject({
      action: "set",
      targetText: "$800.00",
      reason: "group Platform",
    });
    expect(byName.get("Carol")).toMatchObject({ action: "none" }); // inherits $500 = Allotment's default
    expect(plan.changes).toBe(3); // alice, bob, eve
    expect(plan.unmatched.some((e) => e.startsWith("stranger-"))).toBe(true);
    expect(fake.writes().filter((w) => w.path.includes(ids.alice!))).toHaveLength(0); // preview writes nothing

    // a 429 with Retry-After on the first write is honoured, then the write goes through
    fake.state.faults.push({
      match: /^POST \/v1\/organizations\/spend_limits$/,
      status: 429,
      retryAfter: "1",
      times: 1,
    });
    const before = fake.writes().length;
    expect((await applyPlan(db, ws.id, plan.id, OWNER_AUDIT, NOW)).enqueued).toBe(3);
    const drained = await drainQueue(db, { workspaceId: ws.id, budgetMs: DRAIN_BUDGET_MS, clock });
    expect(drained).toMatchObject({ succeeded: 3, failed: 0 });
    expect(drained.retried).toBeGreaterThanOrEqual(1);
    expect(fake.effectiveOf(ids.alice!)).toEqual({ amount: "120000", source: "user" });
    expect(fake.effectiveOf(ids.bob!)).toEqual({ amount: "80000", source: "user" });
    expect(fake.effectiveOf(ids.carol!)).toEqual({ amount: "50000", source: "organization" });
    const audits = await db.auditEvent.findMany({
      where: { workspaceId: ws.id, action: "enforcement.set_limit" },
    });
    expect(audits).toHaveLength(3);
    expect(JSON.parse(audits[0]!.afterJson!).vendorResponse).toMatchObject({
      type: "spend_limit",
      currency: "USD",
    });
    const writesAfterApply = fake.writes().length;
    expect(writesAfterApply - before).toBe(4); // 3 upserts + the one answered 429

    // idempotent: the same plan again enqueues nothing; a fresh plan has no changes; no vendor writes
    expect((await applyPlan(db, ws.id, plan.id, OWNER_AUDIT, NOW)).enqueued).toBe(0);
    const again = await buildPlan(db, ws.id, connector.id, OWNER_AUDIT, NOW);
    expect(again.changes).toBe(0);
    expect(fake.writes().length).toBe(writesAfterApply);
  });

  it("refuses to write while paused, switched off or read-only", async () => {
    const { db, ws, connector } = await setup();
    const plan = await buildPlan(db, ws.id, connector.id, OWNER_AUDIT, NOW);
    await setPaused(db, ws.id, OWNER_AUDIT, true);
    await expect(applyPlan(db, ws.id, plan.id, OWNER_AUDIT, NOW)).rejects.toThrow(/paused/);
    await setPaused(db, ws.id, OWNER_AUDIT, false);
    await db.vendorConnector.update({ where: { id: connector.id }, data: { readOnly: true } });
    await expect(applyPlan(db, ws.id, plan.id, OWNER_AUDIT, NOW)).rejects.toBeInstanceOf(
      InvalidInputError,
    );
    // another workspace's plan is not found
    const other = await setup();
    await expect(applyPlan(db, other.ws.id, plan.id, OWNER_AUDIT, NOW)).rejects.toThrow(/plan/);
  });

  it("a plan is as old as the clock it was built on says: applied up to 30 minutes later, refused after, whatever the machine's date", async () => {
    const { db, ws, connector } = await setup();
    const stale = await buildPlan(db, ws.id, connector.id, OWNER_AUDIT, NOW);
    expect(stale.createdAt.getTime()).toBe(NOW.getTime());
    await expect(
      applyPlan(db, ws.id, stale.id, OWNER_AUDIT, msFrom(NOW, 30 * 60_000 + 1)),
    ).rejects.toBeInstanceOf(ConflictError);
    const fresh = await buildPlan(db, ws.id, connector.id, OWNER_AUDIT, NOW);
    const applied = msFrom(NOW, 30 * 60_000);
    expect((await applyPlan(db, ws.id, fresh.id, OWNER_AUDIT, applied)).enqueued).toBe(3);
    // the jobs are due from the moment of applying
    expect(
      await drainQueue(db, {
        workspaceId: ws.id,
        clock: tickingClock(applied),
        budgetMs: DRAIN_BUDGET_MS,
      }),
    ).toMatchObject({ succeeded: 3, failed: 0 });
  });

  it("reverts a grant the vendor cannot expire, on time (injectable clock), and clearing the Allotment override clears the vendor's", async () => {
    const until = msFrom(NOW, 3_600_000);
    const { db, ws, connector, ids, people } = await setup(until);
    const plan = await buildPlan(db, ws.id, connector.id, OWNER_AUDIT, NOW);
    await applyPlan(db, ws.id, plan.id, OWNER_AUDIT, NOW);
    await drainQueue(db, { workspaceId: ws.id, clock, budgetMs: DRAIN_BUDGET_MS });
    expect(fake.effectiveOf(ids.alice!).amount).toBe("120000");

    // a minute before the end nothing happens
    const early = await runEnforcementTick(db, ws.id, {
      clock: () => msFrom(until, -60_000),
      budgetMs: DRAIN_BUDGET_MS,
    });
    expect(early.reverts).toBe(0);
    expect(fake.effectiveOf(ids.alice!).amount).toBe("120000");
    // once it has ended the override is removed (Alice inherits the org default = Allotment's default)
    const late = await runEnforcementTick(db, ws.id, {
      clock: () => msFrom(until, 1000),
      budgetMs: DRAIN_BUDGET_MS,
    });
    expect(late.reverts).toBe(1);
    expect(fake.effectiveOf(ids.alice!)).toEqual({ amount: "50000", source: "organization" });
    const state = await db.vendorLimitState.findUniqueOrThrow({
      where: { connectorId_memberId: { connectorId: connector.id, memberId: people.alice.id } },
    });
    expect(state.revertAt).toBeNull();
    expect(
      await db.auditEvent.count({
        where: { workspaceId: ws.id, action: "enforcement.clear_limit" },
      }),
    ).toBe(1);

    // clearing an Allotment override (Bob's group limit removed → default applies) clears the vendor's
    await db.limitPolicy.deleteMany({ where: { workspaceId: ws.id, scope: "GROUP" } });
    const clearPlan = await buildPlan(db, ws.id, connector.id, OWNER_AUDIT, NOW);
    expect(clearPlan.items.find((i) => i.name === "Bob")).toMatchObject({ action: "clear" });
    await applyPlan(db, ws.id, clearPlan.id, OWNER_AUDIT, NOW);
    await drainQueue(db, { workspaceId: ws.id, clock, budgetMs: DRAIN_BUDGET_MS });
    expect(fake.effectiveOf(ids.bob!).source).toBe("organization");
  });

  it("detects drift from a console edit and offers adopt / re-apply", async () => {
    const { db, ws, connector, ids, people, owner } = await setup();
    const plan = await buildPlan(db, ws.id, connector.id, OWNER_AUDIT, NOW);
    await applyPlan(db, ws.id, plan.id, OWNER_AUDIT, NOW);
    await drainQueue(db, { workspaceId: ws.id, clock, budgetMs: DRAIN_BUDGET_MS });
    expect(await refreshDrift(db, ws.id, NOW)).toHaveLength(0);

    fake.consoleSetLimit(ids.bob!, "90000"); // an admin edits Bob in the Claude console
    fake.consoleSetLimit(ids.carol!, "60000");
    const drift = await refreshDrift(db, ws.id, NOW);
    expect(drift.map((d) => d.name).sort()).toEqual(["Bob", "Carol"]);
    expect(drift.find((d) => d.name === "Bob")).toMatchObject({
      changedAtVendor: true,
      currentText: "$900.00 (user limit)",
      targetText: "$800.00",
    });

    expect(await reapplyMember(db, ws.id, OWNER_AUDIT, connector.id, people.bob.id, NOW)).toBe(
      true,
    );
    await drainQueue(db, { workspaceId: ws.id, clock, budgetMs: DRAIN_BUDGET_MS });
    expect(fake.effectiveOf(ids.bob!).amount).toBe("80000");

    await adoptVendorValue(db, actorOf(owner), connector.id, people.carol.id);
    const carolPolicy = await db.limitPolicy.findFirstOrThrow({
      where: { workspaceId: ws.id, target: `MEMBER:${people.carol.id}` },
    });
    expect(carolPolicy.amountMicros).toBe(600_000_000n);
    expect((await driftRows(db, ws.id, NOW)).map((d) => d.name)).toEqual([]);
  });
});
