import { expect, test, type Page } from "@playwright/test";

import { formatAmount } from "../../lib/core/money";
import { startGithubFake, type FakeUsage, type GithubFake } from "../../tests/fake-vendors/github";
import { daysAfterNow, E2E_NOW, resetServerClock, serverNowMs, setServerClock } from "../clock";
import { act, pageAs, shot } from "../enforcement-helpers";

// Issue 19, the GitHub half: an owner connects the GitHub fake (an enterprise with a cost
// center), imports Copilot usage and the cost center as a group, sees Copilot spend per person
// beside the other products, previews and applies a plan (whole dollars, rounded down), sees
// GitHub's own precedence rule — evaluated by the fake — give every member Allotment's limit,
// changes one budget on github.com and sees the drift, approves an engineer's request and sees
// the new limit at GitHub, and after the grant's end (server clock moved) sees it gone again.
// The demo workspace counts in credits at $0.04, so GitHub gets floor(credits × 0.04) dollars.
//
// Cleanup: the GitHub connector is switched off and the limits this spec added are removed.

const TOKEN = "ghp_e2e_token_0123456789";
const PEOPLE = ["owner", "admin", "finance", "manager", "engineer"] as const;
const email = (local: string) => `${local}@acme.example`;
const login = (local: string) => `gh-${local}`;
const loginOf = (mail: string) => login(mail.split("@")[0]!);

let github: GithubFake;
let createdDefault: string | null = null;

interface PlanItem {
  email: string;
  action: string;
  managed: boolean;
  targetMicros: string | null;
  targetText: string;
}
async function githubPlan(page: Page): Promise<PlanItem[]> {
  const data = (await (await page.request.get("/api/enforcement")).json()) as {
    connectors: { vendor: string; plan: { items: PlanItem[] } | null }[];
  };
  return data.connectors.find((c) => c.vendor === "github")!.plan!.items;
}

/** The fake's evaluation of GitHub's rule over what was written equals Allotment's answer for every managed member. */
async function expectGithubEqualsAllotment(page: Page) {
  const items = await githubPlan(page);
  expect(items.length).toBeGreaterThanOrEqual(PEOPLE.length);
  for (const i of items.filter((x) => x.managed)) {
    const g = github.evaluate(loginOf(i.email)).amount;
    expect({ email: i.email, github: g === null ? null : String(BigInt(g) * 1_000_000n) }).toEqual({
      email: i.email,
      github: i.targetMicros,
    });
  }
}

function usage(): FakeUsage[] {
  const out: FakeUsage[] = [];
  const centi = [213_623, 12_500, 98_765, 3_133, 400_003];
  for (let d = 1; d <= 4; d++)
    for (const [i, who] of (["engineer", "admin"] as const).entries())
      out.push({
        login: login(who),
        day: daysAfterNow(-d).toISOString().slice(0, 10),
        model: i ? "GPT-5" : "Claude Sonnet 4.5",
        centiCredits: centi[(d + i) % centi.length]!,
        discountCentiCredits: 0,
      });
  return out;
}

/** A person's Copilot spend this month as the member page shows it, in credits ($0.04 each: 25 credits a dollar, exact). */
function expectedCredits(who: string): string {
  const month = E2E_NOW.toISOString().slice(0, 7);
  let usdMicros = 0n;
  for (const [k, t] of github.truth()) {
    const [l, day] = k.split("|");
    if (l === login(who) && day!.startsWith(month)) usdMicros += t.netMicros;
  }
  return formatAmount(usdMicros * 25n, "CREDITS");
}

test.describe.serial("GitHub Copilot: usage and user-level budgets", () => {
  test.beforeAll(async ({ browser }) => {
    resetServerClock();
    github = await startGithubFake({
      token: TOKEN,
      kind: "enterprise",
      name: "acme",
      clock: serverNowMs,
      rateClock: serverNowMs,
      users: [
        ...PEOPLE.map((p) => ({ login: login(p), email: email(p), name: p })),
        { login: "casey-contractor", email: null, name: "Casey" },
      ],
      costCenters: [
        {
          id: "cc-platform",
          name: "Platform Engineering",
          users: [login("engineer"), login("manager")],
        },
      ],
    });
    github.state.usage = usage();
    const owner = await pageAs(browser, "owner");
    const res = await owner.request.post("/api/limits/policies", {
      data: { scope: "WORKSPACE", amount: "2500.75" },
    });
    expect([201, 409]).toContain(res.status());
    if (res.status() === 201) createdDefault = ((await res.json()) as { id: string }).id;
    await owner.context().close();
  });

  test.afterAll(async ({ browser }) => {
    resetServerClock();
    const owner = await pageAs(browser, "owner");
    await owner.goto("/enforcement");
    const card = owner.getByTestId("connector-github");
    if (await card.getByRole("button", { name: "Switch off" }).count())
      await act(owner, () => card.getByRole("button", { name: "Switch off" }).click());
    if (createdDefault) {
      const overview = (await (await owner.request.get("/api/limits")).json()) as {
        policies: { id: string; version: number }[];
      };
      const p = overview.policies.find((x) => x.id === createdDefault);
      if (p) await owner.request.delete(`/api/limits/policies/${p.id}?version=${p.version}`);
    }
    await owner.context().close();
    await github?.close();
  });

  test("the owner connects GitHub, imports Copilot usage and the cost center, and sees Copilot spend per person", async ({
    browser,
  }) => {
    const page = await pageAs(browser, "owner");
    await page.goto("/enforcement");
    const form = page.getByTestId("connect-github");
    await form.getByLabel(/Base URL/).fill(github.url);
    await form.getByLabel(/Organization or enterprise/).fill("enterprise:acme");
    await form.getByLabel(/Token/).fill(TOKEN);
    expect(
      await act(page, () => form.getByRole("button", { name: "Connect GitHub Copilot" }).click()),
    ).toContain("Connected");
    const card = page.getByTestId("connector-github");
    await expect(page.getByTestId("status-github")).toHaveText("off");
    await expect(card).not.toContainText(TOKEN);
    await expect(card).toContainText("whole US dollars, rounded down");
    await expect(card).toContainText("1 AI credit = $0.01");
    expect(
      await act(page, () =>
        card.getByRole("button", { name: "Import usage and cost centers" }).click(),
      ),
    ).toMatch(/Imported [1-9]\d* Copilot usage row/);
    await shot(page, "github-connector");

    const limits = (await (await page.request.get("/api/limits")).json()) as {
      members: { memberId: string; email: string }[];
    };
    for (const who of ["engineer", "admin"] as const) {
      const id = limits.members.find((m) => m.email === email(who))!.memberId;
      await page.goto(`/members/${id}`);
      const row = page
        .getByRole("row")
        .filter({ hasText: /^(GitHub Copilot|copilot)/ })
        .first();
      await expect(row).toContainText(expectedCredits(who));
      if (who === "engineer") await shot(page, "github-member-spend");
    }
    await expect(page.getByRole("row").filter({ hasText: "GPT-5" }).first()).toBeVisible();
    // the cost center is a group now, with its members
    const groups = (await (await page.request.get("/api/groups")).json()) as {
      data: { name: string }[];
    };
    expect(groups.data.map((g) => g.name)).toContain("Platform Engineering");
    await page.context().close();
  });

  test("the owner previews and applies a plan; GitHub's rule then gives everyone Allotment's limit", async ({
    browser,
  }) => {
    const page = await pageAs(browser, "owner");
    await page.goto("/enforcement");
    const card = page.getByTestId("connector-github");
    expect(await act(page, () => card.getByRole("button", { name: "Switch on" }).click())).toMatch(
      /is on/,
    );
    expect(
      await act(page, () => card.getByRole("button", { name: "Preview plan" }).click()),
    ).toMatch(/Plan ready: \d+ change\(s\)/);
    // changed rows and unchanged ones (folded) both say how GitHub's whole dollars were reached
    const plan = page.getByTestId("plan-card-github");
    await expect(plan.getByTestId(`plan-row-${email("finance")}`)).toContainText(
      "(whole dollars, rounded down)",
    );
    expect(github.writes()).toHaveLength(0); // a preview writes nothing
    // the budgets that are not one person's are listed as what they are, from the stored plan
    const shared = plan.getByTestId("plan-shared-budgets");
    await expect(shared.getByTestId("shared-budget-per_user").first()).toContainText(
      "Universal per-user budget",
    );
    await expect(shared.getByTestId("shared-budget-per_user").first()).toContainText("per person");
    await shot(page, "github-plan");
    const apply = plan.getByRole("button", { name: /^Apply \d+ change/ });
    if (await apply.count()) expect(await act(page, () => apply.click())).toMatch(/0 failed/);
    // the universal budget (and any that waited for individual budgets) land with the queue runs
    await act(page, () => page.getByRole("button", { name: "Run queue now" }).click());
    await act(page, () => page.getByRole("button", { name: "Run queue now" }).click());
    const budgets = [...github.state.budgets.values()];
    expect(budgets.some((b) => b.budget_scope === "multi_user_customer")).toBe(true);
    for (const b of budgets) {
      expect(Number.isInteger(b.budget_amount)).toBe(true);
      expect(b.prevent_further_usage).toBe(true);
    }
    expect(
      await act(page, () => card.getByRole("button", { name: "Preview plan" }).click()),
    ).toContain("Plan ready: 0 change(s)");
    await expectGithubEqualsAllotment(page);
    await expect(page.getByTestId("over-allowance-empty")).toBeVisible();
    await shot(page, "github-applied");
    await page.context().close();
  });

  test("a budget changed on github.com shows as drift, and re-apply puts Allotment's back", async ({
    browser,
  }) => {
    const page = await pageAs(browser, "owner");
    await page.goto("/enforcement");
    const before = github.evaluate(login("admin")).amount;
    github.consoleSetUserBudget(login("admin"), 5000);
    expect(
      await act(page, () => page.getByRole("button", { name: "Check vendors now" }).click()),
    ).toContain("1 member(s) differ");
    const row = page.getByTestId(`drift-github-${email("admin")}`);
    await expect(row).toContainText("$5,000.00");
    await shot(page, "github-drift");
    await act(page, () => row.getByRole("button", { name: "Re-apply" }).click());
    expect(github.evaluate(login("admin")).amount).toBe(before);
    expect(
      await act(page, () => page.getByRole("button", { name: "Check vendors now" }).click()),
    ).toContain("The vendors agree with Allotment");
    await page.context().close();
  });

  test("an engineer's approved request reaches GitHub, and after the grant ends it is gone there", async ({
    browser,
  }) => {
    const before = github.evaluate(login("engineer")).amount!;
    const engineer = await pageAs(browser, "engineer");
    await engineer.goto("/requests");
    const form = engineer.getByTestId("request-form");
    await form.locator('input[name="amount"]').fill("250");
    await form.locator('textarea[name="reason"]').fill("Copilot agent runs for the migration");
    await form.getByRole("button", { name: "Send request" }).click();
    const id = Number(/#(\d+)/.exec(await engineer.getByTestId("request-sent").innerText())![1]);
    await engineer.context().close();

    const manager = await pageAs(browser, "manager");
    await manager.goto("/requests");
    const item = manager.getByTestId(`queue-item-${id}`);
    await item.getByLabel("Amount to grant").fill("250");
    await item.getByRole("button", { name: "Approve" }).click();
    await expect(item).toHaveCount(0);
    await manager.context().close();

    const owner = await pageAs(browser, "owner");
    await owner.goto("/enforcement");
    await act(owner, () => owner.getByRole("button", { name: "Run queue now" }).click());
    // the grant raises the engineer's limit: GitHub gets it as an individual budget (what is left of
    // the raised budget after the engineer's spend elsewhere, whole dollars rounded down)
    const after = github.evaluate(login("engineer"));
    expect(after.source).toBe("individual");
    expect(after.amount!).toBeGreaterThan(before);
    await act(owner, () =>
      owner.getByTestId("connector-github").getByRole("button", { name: "Preview plan" }).click(),
    );
    await expectGithubEqualsAllotment(owner);
    await shot(owner, "github-request-pushed");

    // 35 days on the grant has ended: GitHub removed it (expires_at) or the queue run reverts it
    setServerClock(daysAfterNow(35));
    await act(owner, () => owner.getByRole("button", { name: "Run queue now" }).click());
    await act(owner, () =>
      owner.getByTestId("connector-github").getByRole("button", { name: "Preview plan" }).click(),
    );
    await expectGithubEqualsAllotment(owner);
    const eng = (await githubPlan(owner)).find((i) => i.email === email("engineer"))!;
    expect(eng.targetText).not.toContain(`request #${id}`);
    // the grant's individual budget (it carried expires_at) is gone at GitHub; a new period
    // began, so what GitHub allows now is Allotment's new figure (checked just above)
    const grantBudgets = [...github.state.budgets.values()].filter(
      (b) => b.budget_scope === "user" && b.user === login("engineer") && b.expires_at,
    );
    expect(grantBudgets).toHaveLength(0);
    await shot(owner, "github-after-expiry");
    resetServerClock();
    await owner.context().close();
  });
});
