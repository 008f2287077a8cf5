/**
 * GitHub Copilot enforcement against the fake GitHub, judged by the fake's own evaluation of
 * GitHub's precedence rule: over a generated enterprise (cost centers mirrored as groups,
 * a default, group limits, overrides with and without an end, people in a second, more
 * generous Allotment-only group), after plan + apply the budget GitHub applies to every seat
 * holder equals Allotment's effective limit rounded down to whole dollars — also when GitHub
 * refuses cost-center per-user budgets (the unconfirmed reading). A console edit shows as
 * drift; an ended grant is reverted.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { addDays, endOfDayIn } from "@/lib/core/period";
import { driftRows, refreshDrift } from "@/lib/enforce/drift";
import { runEnforcementTick } from "@/lib/enforce/enforcement-tick";
import { importGithub } from "@/lib/enforce/github-import";
import { applyPlan, buildPlan } from "@/lib/enforce/plan";
import { drainQueue } from "@/lib/enforce/vendor-job-queue";
import { loadWorkspaceLimits } from "@/lib/limits/load-effective-limits";
import { updatePolicySchema } from "@/lib/limits/policy-input";
import { deletePolicy, updatePolicy } from "@/lib/limits/write-policy";
import { expiryOf } from "@/lib/vendors/github/precedence";

import { startGithubFake, type GithubFake } from "../fake-vendors/github";
import { daysFrom, TEST_NOW, TEST_TODAY } from "../helpers/clock";
import { makeMember, makeWorkspace, testDb } from "../helpers/db";
import { actorOf, connect, DRAIN_BUDGET_MS, OWNER_AUDIT, policy } from "../helpers/enforce";
import { grantRequest } from "../helpers/requests";

const TOKEN = "ghp_enforce_token_01";
let now = TEST_NOW;
let fake: GithubFake;

beforeAll(async () => {
  fake = await startGithubFake({ token: TOKEN, clock: () => now.getTime(), perMinute: 100_000 });
});
afterAll(async () => fake.close());

/** A small seeded generator, so a failing organisation can be rebuilt. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1_664_525 + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

async function generatedOrg(seed: number, enterprise: string) {
  const db = await testDb();
  const rand = rng(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)]!;
  const ws = await makeWorkspace(db, { budgetUnit: "USD" });
  const people = [];
  for (let i = 0; i < 14; i++) {
    const login = `dev${i}-${ws.slug}`;
    const m = await makeMember(db, ws.id, { email: `${login}@corp.test`, name: `Dev ${i}` });
    people.push({ login, member: m });
  }
  fake.state.kind = "enterprise";
  fake.state.name = enterprise;
  fake.state.users = people.map((p) => ({
    login: p.login,
    email: p.member.email,
    name: p.member.name,
  }));
  fake.state.budgets.clear();
  fake.state.usage = [];
  const centers = ["Platform", "Mobile", "Data"].map((name, i) => ({
    id: `cc-${i}-${ws.slug}`,
    name: `${name} ${ws.slug}`,
    users: [] as string[],
  }));
  for (const p of people) if (rand() < 0.8) pick(centers).users.push(p.login);
  fake.state.costCenters = centers;
  // Copilot usage this month, so the budget split has something to count
  for (const p of people)
    fake.state.usage.push({
      login: p.login,
      day: "2026-11-10",
      model: "GPT-5",
      centiCredits: 1 + Math.floor(rand() * 200_000),
      discountCentiCredits: 0,
    });
  const c = await connect(db, ws.id, "github", fake.url, TOKEN, `enterprise:${enterprise}`);
  const imported = await importGithub(db, ws.id, c.id, OWNER_AUDIT, now, { backfillDays: 20 });
  expect(imported.error).toBeUndefined();
  const groups = await db.group.findMany({ where: { workspaceId: ws.id, source: "github" } });
  expect(groups).toHaveLength(3);
  const cents = () => BigInt(Math.floor(rand() * 90_000) + 1_000) * 10_000n; // $10.00–$909.99
  await db.limitPolicy.create({
    data: { workspaceId: ws.id, scope: "WORKSPACE", target: "WORKSPACE", amountMicros: cents() },
  });
  for (const g of groups.slice(0, 2))
    await db.limitPolicy.create({
      data: {
        workspaceId: ws.id,
        scope: "GROUP",
        target: `GROUP:${g.id}`,
        groupId: g.id,
        amountMicros: cents(),
      },
    });
  // a more generous Allotment-only group across cost centers (Allotment takes the most generous group)
  const extra = await db.group.create({
    data: { workspaceId: ws.id, name: "Hackathon", costCenter: "" },
  });
  for (const p of people.slice(0, 3))
    await db.groupMember.create({ data: { groupId: extra.id, memberId: p.member.id } });
  await policy(db, ws.id, `GROUP:${extra.id}`, 2_000n, { groupId: extra.id });
  // overrides: some open-ended, some ending in a week
  for (const [i, p] of people.slice(5, 9).entries())
    await db.limitPolicy.create({
      data: {
        workspaceId: ws.id,
        scope: "MEMBER",
        target: `MEMBER:${p.member.id}`,
        memberId: p.member.id,
        amountMicros: cents(),
        expiresAt: i === 0 || rand() < 0.5 ? daysFrom(now, 7) : null,
      },
    });
  return { db, ws, c, people };
}

/** A USD workspace with its owner and these people, connected to the fake GitHub as an organization of them. */
async function githubOrg(names: string[]) {
  const db = await testDb();
  const ws = await makeWorkspace(db, { budgetUnit: "USD" });
  const owner = await makeMember(db, ws.id, {
    email: `owner-${ws.slug}@corp.test`,
    role: "OWNER",
  });
  const people = [];
  for (const name of names)
    people.push(
      await makeMember(db, ws.id, { email: `${name.toLowerCase()}-${ws.slug}@corp.test`, name }),
    );
  fake.state.kind = "organization";
  fake.state.name = `org-${ws.slug}`;
  fake.state.users = people.map((m) => ({
    login: m.email.split("@")[0]!,
    email: m.email,
    name: m.name,
  }));
  fake.state.costCenters = [];
  fake.state.budgets.clear();
  fake.state.usage = [];
  const c = await connect(db, ws.id, "github", fake.url, TOKEN, `org:org-${ws.slug}`);
  return { db, ws, owner, people, c };
}

/** Runs enforcement until nothing is queued any more (GitHub's rate budget may spread the writes over runs). */
async function settle(wsId: string) {
  const db = await testDb();
  for (let i = 0; i < 4; i++) {
    await runEnforcementTick(db, wsId, { clock: () => now, budgetMs: DRAIN_BUDGET_MS });
    const open = await db.vendorJob.count({
      where: {
        workspaceId: wsId,
        status: { in: ["PENDING", "RUNNING", "FAILED"] },
        acknowledgedAt: null,
      },
    });
    if (!open) return;
  }
}

async function expectGithubEqualsAllotment(
  wsId: string,
  people: { login: string; member: { id: string; name: string } }[],
  notes: string[],
) {
  const db = await testDb();
  const limits = await loadWorkspaceLimits(db, wsId, now);
  let checked = 0;
  for (const p of people) {
    const e = limits.members.find((m) => m.memberId === p.member.id)!.effective;
    const github = fake.evaluate(p.login);
    if (e.limitMicros === null) {
      expect(
        notes.some((n) => n.startsWith(p.member.name)),
        p.login,
      ).toBe(true);
      continue;
    }
    const dollars = Number(e.limitMicros / 1_000_000n); // whole dollars, rounded down
    expect({ who: p.login, amount: github.amount }).toEqual({ who: p.login, amount: dollars });
    checked++;
  }
  return checked;
}

describe("GitHub enforcement", () => {
  for (const seed of [11, 2026]) {
    it(`GitHub's own rule over the written budgets gives Allotment's limit for every member (seed ${seed})`, async () => {
      now = TEST_NOW;
      const { db, ws, c, people } = await generatedOrg(seed, `ent-${seed}`);
      const plan = await buildPlan(db, ws.id, c.id, OWNER_AUDIT, now);
      expect(plan.notes?.[0]).toMatch(/^Universal per-user budget: /);
      expect(plan.items.some((i) => i.targetText.includes("whole dollars, rounded down"))).toBe(
        true,
      );
      await applyPlan(db, ws.id, plan.id, OWNER_AUDIT, now);
      await drainQueue(db, { workspaceId: ws.id, budgetMs: DRAIN_BUDGET_MS, clock: () => now });
      // shared budgets that waited for individual budgets go on the next run
      await settle(ws.id);
      const checked = await expectGithubEqualsAllotment(ws.id, people, plan.notes ?? []);
      expect(checked).toBe(people.length);
      // shared budgets carry most people: individual budgets only where a person differs
      const budgets = [...fake.state.budgets.values()];
      expect(
        budgets.filter((b) => b.budget_scope === "multi_user_customer").length,
      ).toBeLessThanOrEqual(1);
      expect(
        budgets.filter((b) => b.budget_scope === "multi_user_cost_center").length,
      ).toBeGreaterThan(0);
      expect(budgets.filter((b) => b.budget_scope === "user").length).toBeLessThan(people.length);
      expect(
        budgets.every((b) => Number.isInteger(b.budget_amount) && b.prevent_further_usage),
      ).toBe(true);
      // applying again writes nothing
      const again = await buildPlan(db, ws.id, c.id, OWNER_AUDIT, now);
      expect(again.changes).toBe(0);
    });
  }

  it("when GitHub refuses cost-center per-user budgets, individual budgets give the same limits", async () => {
    now = TEST_NOW;
    fake.state.acceptCostCenterUserBudgets = false;
    try {
      const { db, ws, people } = await generatedOrg(7, "ent-refuse");
      await settle(ws.id);
      await settle(ws.id);
      expect(
        [...fake.state.budgets.values()].some((b) => b.budget_scope === "multi_user_cost_center"),
      ).toBe(false);
      expect(await expectGithubEqualsAllotment(ws.id, people, [])).toBe(people.length);
      const audit = await db.auditEvent.findMany({
        where: { workspaceId: ws.id, action: { startsWith: "enforcement.github.shared_budget" } },
      });
      expect(audit.some((a) => a.action.endsWith(".refused"))).toBe(true);
      expect(audit.some((a) => a.action.endsWith(".create"))).toBe(true);
    } finally {
      fake.state.acceptCostCenterUserBudgets = true;
    }
  });

  it("a console edit is drift; an ended grant is reverted to what the person inherits", async () => {
    now = TEST_NOW;
    const { db, ws, c, people } = await generatedOrg(99, "ent-drift");
    const plan = await buildPlan(db, ws.id, c.id, OWNER_AUDIT, now);
    await applyPlan(db, ws.id, plan.id, OWNER_AUDIT, now);
    await drainQueue(db, { workspaceId: ws.id, budgetMs: DRAIN_BUDGET_MS, clock: () => now });
    const target = people[1]!;
    fake.consoleSetUserBudget(target.login, 4_321);
    await refreshDrift(db, ws.id, now);
    const drift = await driftRows(db, ws.id, now);
    expect(drift.map((d) => d.memberId)).toContain(target.member.id);
    // the grants ending in a week: after it, GitHub must apply what Allotment now says
    const ending = await db.limitPolicy.findMany({
      where: { workspaceId: ws.id, expiresAt: { not: null } },
    });
    now = daysFrom(TEST_NOW, 8);
    fake.state.expiresAtFormat = "date"; // the other reading of expires_at, for writes from here on
    await settle(ws.id);
    fake.state.expiresAtFormat = "any";
    const others = people.filter((p) => p !== target);
    expect(await expectGithubEqualsAllotment(ws.id, others, [])).toBe(others.length);
    // GitHub removed the expired individual budgets itself (expires_at) or Allotment reverted them
    expect(ending.length).toBeGreaterThan(0);
  });

  // both readings of what GitHub does with an individual budget past its expires_at (unconfirmed):
  // it removes it, or keeps listing it without applying it
  it.each([
    ["removes", false],
    ["keeps listing", true],
  ])(
    "an approved request over an override reaches GitHub with its end; after it GitHub (which %s expired budgets) is back at the override, not the universal budget; a grant removed early leaves no end behind",
    async (_reading, keepsExpired) => {
      now = TEST_NOW;
      fake.state.keepsExpired = keepsExpired;
      const { db, ws, owner, people } = await githubOrg(["Alice", "Bob"]);
      const [alice, bob] = people as [(typeof people)[number], (typeof people)[number]];
      const login = (m: { email: string }) => m.email.split("@")[0]!;
      // the default goes to the universal budget; Alice's own override to an individual budget
      await policy(db, ws.id, "WORKSPACE", 100n);
      await policy(db, ws.id, `MEMBER:${alice.id}`, 300n, { memberId: alice.id });
      await settle(ws.id);
      expect(fake.evaluate(login(bob))).toMatchObject({ source: "universal", amount: 100 });
      expect(fake.evaluate(login(alice))).toMatchObject({ source: "individual", amount: 300 });

      // Alice asks for $50 more until the day after tomorrow; approved, GitHub gets $350 ending then
      const until = daysFrom(TEST_NOW, 2).toISOString().slice(0, 10);
      expect(until > TEST_TODAY).toBe(true);
      const grant = (amount: string, neededUntil: string) =>
        grantRequest(
          db,
          { requester: actorOf(alice), approver: actorOf(owner) },
          { amount, reason: "Copilot agent runs for the migration", neededUntil },
          now,
        );
      await grant("50", until);
      await settle(ws.id);
      const raised = fake.evaluate(login(alice));
      expect(raised).toMatchObject({ source: "individual", amount: 350 });
      expect(fake.state.budgets.get(raised.budgetId!)!.expires_at).toBeTruthy();

      // two days after the grant's end (same month): GitHub dropped the expiring budget itself; the
      // queue run must put Alice's override back, not leave her on the universal $100
      now = daysFrom(TEST_NOW, 4);
      await settle(ws.id);
      const after = fake.evaluate(login(alice));
      expect(after).toMatchObject({ source: "individual", amount: 300 });
      expect(fake.state.budgets.get(after.budgetId!)!.expires_at ?? null).toBeNull();
      expect(fake.evaluate(login(bob))).toMatchObject({ source: "universal", amount: 100 });
      const state = await db.vendorLimitState.findFirstOrThrow({ where: { memberId: alice.id } });
      expect(state).toMatchObject({ effectiveMicros: 300_000_000n, revertAt: null });
      // and no drift is left: GitHub's own end of the grant was not a console edit
      expect(await driftRows(db, ws.id, now)).toEqual([]);

      // a second grant ($20 for a week), removed the next day: the budget goes back to $300 with
      // no end left on it, so GitHub does not drop Alice to the universal budget on the grant's old end
      const second = await grant("20", daysFrom(now, 7).toISOString().slice(0, 10));
      await settle(ws.id);
      expect(fake.evaluate(login(alice))).toMatchObject({ source: "individual", amount: 320 });
      now = daysFrom(now, 1);
      // the owner removes the grant (Remove grant on the Limits screen)
      const g = await db.limitPolicy.findFirstOrThrow({ where: { sourceRequestId: second } });
      await deletePolicy(db, actorOf(owner), g.id, g.version);
      await settle(ws.id);
      const revoked = fake.evaluate(login(alice));
      expect(revoked).toMatchObject({ source: "individual", amount: 300 });
      expect(fake.state.budgets.get(revoked.budgetId!)!.expires_at ?? null).toBeNull();
      now = daysFrom(now, 8);
      expect(fake.evaluate(login(alice))).toMatchObject({ source: "individual", amount: 300 });
      fake.state.keepsExpired = false;
    },
  );

  // both readings of expires_at's format (unconfirmed): a date-time is taken, or only a date (the
  // end is refused: the update clears the old end and Allotment ends the value itself)
  it.each([
    ["takes a date-time", "any"],
    ["takes only a date", "date"],
  ] as const)(
    "an override's end moved or removed with the same amount is written to GitHub (which %s), so GitHub never drops the budget on the old date",
    async (_reading, format) => {
      now = TEST_NOW;
      fake.state.expiresAtFormat = "any";
      const { db, ws, owner, people, c } = await githubOrg(["Alice"]);
      const alice = people[0]!;
      const login = alice.email.split("@")[0]!;
      await policy(db, ws.id, "WORKSPACE", 100n);
      // Alice's override of $300 until three days from now: GitHub gets the end as expires_at
      const end = (days: number) => endOfDayIn(addDays(TEST_TODAY, days), "UTC");
      const override = await policy(db, ws.id, `MEMBER:${alice.id}`, 300n, {
        memberId: alice.id,
        expiresAt: end(3),
      });
      await settle(ws.id);
      const budgetEnd = () => {
        const v = fake.evaluate(login);
        expect(v).toMatchObject({ source: "individual", amount: 300 });
        return expiryOf(fake.state.budgets.get(v.budgetId!)!.expires_at);
      };
      expect(budgetEnd()).toEqual(end(3));

      // the owner moves the end three days later, same amount: the plan lists it and the run writes it
      fake.state.expiresAtFormat = format;
      const edit = async (expiresOn: string | undefined) => {
        const p = await db.limitPolicy.findUniqueOrThrow({ where: { id: override.id } });
        await updatePolicy(
          db,
          actorOf(owner),
          p.id,
          updatePolicySchema.parse({ version: p.version, amount: "300", expiresOn }),
        );
      };
      await edit(addDays(TEST_TODAY, 6));
      const moved = await buildPlan(db, ws.id, c.id, OWNER_AUDIT, now);
      expect(moved.items.find((i) => i.memberId === alice.id)).toMatchObject({
        action: "set",
        targetMicros: "300000000",
        revertAt: end(6).toISOString(),
      });
      await settle(ws.id);
      // GitHub took the new end, or (only a date) the old end was cleared: Allotment reverts then
      expect(budgetEnd()).toEqual(format === "any" ? end(6) : null);

      // the owner removes the end, same amount: GitHub's budget keeps no end
      await edit(undefined);
      await settle(ws.id);
      expect(budgetEnd()).toBeNull();
      expect((await buildPlan(db, ws.id, c.id, OWNER_AUDIT, now)).changes).toBe(0);

      // past both old ends, before any run: GitHub still applies Alice's $300, and nothing drifted
      now = daysFrom(TEST_NOW, 8);
      expect(budgetEnd()).toBeNull();
      await settle(ws.id);
      expect(budgetEnd()).toBeNull();
      expect(await driftRows(db, ws.id, now)).toEqual([]);
      fake.state.expiresAtFormat = "any";
    },
  );
});
