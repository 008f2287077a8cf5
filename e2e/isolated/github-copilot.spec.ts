import { expect, test, type Page } from "@playwright/test";

import { formatAmount } from "../../lib/core/money";
import { startGithubFake, type FakeUsage, type GithubFake } from "../../tests/fake-vendors/github";
import {
  daysAfterNow,
  E2E_NOW,
  e2eDay,
  resetServerClock,
  serverNowMs,
  setServerClock,
} from "../clock";
import {
  act,
  expectImportedGroup,
  expectVendorNowOnScreen,
  giveRoom,
  previewAndApply,
  removePolicies,
} from "../enforcement-helpers";
import { sendRequest } from "../request-form";
import { pageAs } from "../roles";
import { saveScreenshot } from "../screenshots";

// Issue 19, the GitHub half: an owner connects the GitHub fake (an enterprise with a cost
// center), imports Copilot usage and the cost center as a group, sees Copilot spend per person
// beside the other products, previews and applies a plan (whole dollars, rounded down), sees
// GitHub's own precedence rule — evaluated by the fake — give every member Allotment's limit,
// changes one budget on github.com and sees the drift, approves an engineer's request and sees
// GitHub's budget for them go up by the grant (in the fake's state and as "GitHub now" on the
// plan), and after the grant's end (server clock moved) sees it back at the value before.
// The demo workspace counts in credits at $0.04, so GitHub gets floor(credits × 0.04) dollars.
//
// Cleanup: the GitHub connector is switched off and the limits this spec added are removed.

const TOKEN = "ghp_e2e_token_0123456789";
const PEOPLE = ["owner", "admin", "finance", "manager", "engineer"] as const;
const email = (local: string) => `${local}@acme.example`;
const login = (local: string) => `gh-${local}`;
const loginOf = (mail: string) => login(mail.split("@")[0]!);

/** the engineer's request: 250 credits at $0.04 = $10, whole dollars, so GitHub gets all of it */
const GRANT_CREDITS = 250n;
const GRANT_DOLLARS = 10;

let github: GithubFake;
let createdDefault: string | null = null;
let roomOverride: string | null = null;

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
    await removePolicies(owner, [roomOverride, createdDefault]);
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
    await saveScreenshot(page, "github-connector");

    const limits = (await (await page.request.get("/api/limits")).json()) as {
      members: { memberId: string; email: string }[];
    };
    const idOf = (mail: string) => limits.members.find((m) => m.email === mail)!.memberId;
    for (const who of ["engineer", "admin"] as const) {
      await page.goto(`/members/${idOf(email(who))}`);
      const row = page
        .getByRole("row")
        .filter({ hasText: /^(GitHub Copilot|copilot)/ })
        .first();
      await expect(row).toContainText(expectedCredits(who));
      if (who === "engineer") await saveScreenshot(page, "github-member-spend");
    }
    await expect(page.getByRole("row").filter({ hasText: "GPT-5" }).first()).toBeVisible();
    // the cost center is a group now, with its members
    await expectImportedGroup(page, "Platform Engineering", "github", [
      idOf(email("engineer")),
      idOf(email("manager")),
    ]);
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
    await saveScreenshot(page, "github-plan");
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
    await saveScreenshot(page, "github-applied");
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
    await saveScreenshot(page, "github-drift");
    await act(page, () => row.getByRole("button", { name: "Re-apply" }).click());
    expect(github.evaluate(login("admin")).amount).toBe(before);
    expect(
      await act(page, () => page.getByRole("button", { name: "Check vendors now" }).click()),
    ).toContain("The vendors agree with Allotment");
    await page.context().close();
  });

  test("an engineer's approved request raises their GitHub budget by the grant, and its end puts the old budget back", async ({
    browser,
  }) => {
    const owner = await pageAs(browser, "owner");
    // The demo engineer is over the workspace default, so a grant would only move GitHub's share
    // of an overspent limit. The owner first gives them room (an override of their spend this
    // month plus 1,000 credits) and GitHub takes it: then the grant shows at GitHub in full.
    roomOverride = await giveRoom(owner, email("engineer"), 1_000n);
    await owner.goto("/enforcement");
    await previewAndApply(owner, "github");
    // GitHub's 80-a-minute gate counts on the app clock, which is pinned: step it past the minute
    const minutes = (at: Date, n: number) => new Date(at.getTime() + n * 60_000);
    setServerClock(minutes(E2E_NOW, 2));
    const before = github.evaluate(login("engineer"));
    expect(before.source).toBe("individual");
    expect(before.amount!).toBeGreaterThan(0);
    await expectVendorNowOnScreen(owner, "github", email("engineer"), before.amount!);
    await expectGithubEqualsAllotment(owner);

    const engineer = await pageAs(browser, "engineer");
    await engineer.goto("/requests");
    const { id } = await sendRequest(engineer, {
      amount: String(GRANT_CREDITS),
      neededUntil: e2eDay(3),
      reason: "Copilot agent runs for the migration",
    });
    await engineer.context().close();

    const manager = await pageAs(browser, "manager");
    await manager.goto("/requests");
    const item = manager.getByTestId(`queue-item-${id}`);
    await item.getByLabel("Amount to grant").fill(String(GRANT_CREDITS));
    await item.getByRole("button", { name: "Approve" }).click();
    await expect(item).toHaveCount(0);
    await manager.context().close();

    // the queue run tells GitHub: 250 credits at $0.04 = exactly $10 more (whole dollars, so
    // rounding down cannot eat any of it), as the engineer's individual budget, ending with the grant
    await owner.goto("/enforcement");
    await act(owner, () => owner.getByRole("button", { name: "Run queue now" }).click());
    const raised = github.evaluate(login("engineer"));
    setServerClock(minutes(E2E_NOW, 4));
    expect(raised.source).toBe("individual");
    expect(raised.amount! - before.amount!).toBe(GRANT_DOLLARS);
    expect(github.state.budgets.get(raised.budgetId!)!.expires_at).toBeTruthy();
    await expectVendorNowOnScreen(
      owner,
      "github",
      email("engineer"),
      raised.amount!,
      "github-request-pushed",
    );
    await expectGithubEqualsAllotment(owner);

    // two days after the grant's last day (same month, so the same budget period and the same
    // spend): GitHub dropped the expiring budget, and the queue run puts the one before back
    setServerClock(daysAfterNow(5));
    await act(owner, () => owner.getByRole("button", { name: "Run queue now" }).click());
    const reverted = github.evaluate(login("engineer"));
    setServerClock(minutes(daysAfterNow(5), 2));
    expect(reverted).toMatchObject({ source: "individual", amount: before.amount });
    expect(github.state.budgets.get(reverted.budgetId!)!.expires_at ?? null).toBeNull();
    await expectVendorNowOnScreen(
      owner,
      "github",
      email("engineer"),
      before.amount!,
      "github-after-expiry",
    );
    await expectGithubEqualsAllotment(owner);
    const eng = (await githubPlan(owner)).find((i) => i.email === email("engineer"))!;
    expect(eng.targetText).not.toContain(`request #${id}`);
    resetServerClock();
    await owner.context().close();
  });
});
