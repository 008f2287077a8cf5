/**
 * GitHub budgets that are not one person's, against the fake GitHub: the plan lists the
 * universal per-user budget it writes (an amount per person) and the metered enterprise and
 * cost-center budgets it finds (one total shared by everyone they cover), stores them with the
 * plan so the Enforcement screen can show them after a reload, never counts a shared cap as
 * anyone's allowance, and leaves the caps as GitHub has them when the plan is applied.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { importGithub } from "@/lib/enforce/github-import";
import { applyPlan, buildPlan, getPlan } from "@/lib/enforce/plan";
import { drainQueue } from "@/lib/enforce/vendor-job-queue";

import { startGithubFake, type FakeBudget, type GithubFake } from "../fake-vendors/github";
import { TEST_NOW } from "../helpers/clock";
import { makeMember, makeWorkspace, testDb } from "../helpers/db";
import { connect, DRAIN_BUDGET_MS, OWNER_AUDIT } from "../helpers/enforce";

const TOKEN = "ghp_shared_budgets_01";
const now = TEST_NOW;
let fake: GithubFake;

beforeAll(async () => {
  fake = await startGithubFake({ token: TOKEN, clock: () => now.getTime(), perMinute: 100_000 });
});
afterAll(async () => fake.close());

const metered = (id: string, scope: string, entity: string, amount: number): FakeBudget => ({
  id,
  budget_type: "BundlePricing",
  budget_product_sku: "ai_credits",
  budget_scope: scope,
  budget_entity_name: entity,
  budget_amount: amount,
  prevent_further_usage: true,
  budget_alerting: { will_alert: false, alert_recipients: [] },
});

describe("GitHub shared budgets on the plan", () => {
  it("lists per-user budgets and shared caps as what they are, stores them, and leaves the caps alone", async () => {
    const db = await testDb();
    const ws = await makeWorkspace(db, { budgetUnit: "USD" });
    const logins: string[] = [];
    for (let i = 0; i < 3; i++) {
      const login = `cap${i}-${ws.slug}`;
      await makeMember(db, ws.id, { email: `${login}@corp.test`, name: `Cap ${i}` });
      logins.push(login);
    }
    fake.state.kind = "enterprise";
    fake.state.name = `ent-${ws.slug}`;
    fake.state.users = logins.map((login, i) => ({
      login,
      email: `${login}@corp.test`,
      name: `Cap ${i}`,
    }));
    fake.state.costCenters = [{ id: `cc-${ws.slug}`, name: "Research", users: logins.slice(0, 2) }];
    fake.state.usage = [];
    fake.state.budgets.clear();
    const enterpriseCap = { ...metered("b-ent", "enterprise", "", 5000), consumed_amount: 1234.5 };
    const ccCap = metered("b-cc", "cost_center", "Research", 800);
    const actions = { ...metered("b-act", "enterprise", "", 50), budget_product_sku: "actions" };
    for (const b of [enterpriseCap, ccCap, actions]) fake.state.budgets.set(b.id, b);

    const c = await connect(db, ws.id, "github", fake.url, TOKEN, `enterprise:${fake.state.name}`);
    expect((await importGithub(db, ws.id, c.id, OWNER_AUDIT, now)).error).toBeUndefined();
    await db.limitPolicy.create({
      data: {
        workspaceId: ws.id,
        scope: "WORKSPACE",
        target: "WORKSPACE",
        amountMicros: 300n * 1_000_000n,
      },
    });

    const plan = await buildPlan(db, ws.id, c.id, OWNER_AUDIT, now);
    const shared = plan.shared ?? [];
    const universal = shared.find((l) => l.label === "Universal per-user budget");
    expect(universal).toMatchObject({ kind: "per_user", nowText: "unset" });
    expect(universal?.planText).toMatch(/\$300\.00/);
    const caps = shared.filter((l) => l.kind === "cap");
    expect(caps.map((l) => l.label).sort()).toEqual([
      "Cost center budget “Research”",
      "Enterprise budget",
    ]);
    const ent = caps.find((l) => l.label === "Enterprise budget")!;
    expect(ent.nowText).toBe("$5,000.00 in total; $1,234.50 used so far");
    expect(ent.meaning).toMatch(/not a per-person allowance/);
    expect(ent.planText).toMatch(/does not write shared caps/);
    // the Actions budget is not an AI-credit budget: not listed
    expect(shared.some((l) => l.nowText.startsWith("$50.00"))).toBe(false);
    // no person's current limit is a shared cap: nobody has a user-level budget yet
    for (const i of plan.items) expect(i.currentMicros).toBeNull();

    // stored with the plan: the screen reads the same lines back
    const stored = await getPlan(db, ws.id, plan.id);
    expect(stored.shared).toEqual(plan.shared);
    expect(stored.notes).toEqual(plan.notes);

    await applyPlan(db, ws.id, plan.id, OWNER_AUDIT, now);
    await drainQueue(db, { workspaceId: ws.id, budgetMs: DRAIN_BUDGET_MS, clock: () => now });
    // the caps are as GitHub had them; every person's own budget is Allotment's $300
    expect(fake.state.budgets.get("b-ent")?.budget_amount).toBe(5000);
    expect(fake.state.budgets.get("b-cc")?.budget_amount).toBe(800);
    for (const login of logins) expect(fake.evaluate(login).amount).toBe(300);
    const after = await buildPlan(db, ws.id, c.id, OWNER_AUDIT, now);
    expect(after.shared?.find((l) => l.kind === "per_user")?.nowText).toBe("$300.00 per person");
    expect(after.changes).toBe(0);
  });
});
