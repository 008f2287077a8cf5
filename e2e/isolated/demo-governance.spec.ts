import { expect, test } from "@playwright/test";

import { e2eDay, resetServerClock } from "../clock";
import { DESKTOP_WIDTH, pageAs } from "../roles";
import { saveScreenshot } from "../screenshots";

// Issue 17 "a demo that shows the product": on the governed demo (lib/demo/governance.ts,
// seeded with ALLOTMENT_SEED_GOVERNANCE=1 at the pinned e2e "today") every governance screen
// has something true to show before anyone clicks: the owner's Limits lists the default, the
// group limits, the pooled cap and both overrides; Requests has pending and decided requests;
// Alerts has open ones; the engineer sees their limit and where it comes from. Read-only.

const EXPIRES = e2eDay(3); // the engineer's override: ends in three days
const STARTS = e2eDay(5); // the manager's override: scheduled
const ENDS = e2eDay(19);

test.describe.serial("the governed demo", () => {
  test.beforeAll(() => resetServerClock());

  test("the owner's Limits shows the default, group limits, the pool and both overrides", async ({
    browser,
  }) => {
    const page = await pageAs(browser, "owner", DESKTOP_WIDTH);
    await page.goto("/limits");
    await expect(page.getByTestId("stat-default")).toHaveText("5,000.00 credits");

    const platform = page.getByTestId("policy-group-Platform");
    await expect(platform.getByTestId("policy-amount")).toHaveText("4,000.00 credits per member");
    await expect(platform).toContainText("pool 34,000.00 credits");
    await expect(
      page.getByTestId("policy-group-ML Research").getByTestId("policy-amount"),
    ).toHaveText("8,000.00 credits per member");
    await expect(page.getByTestId("policy-group-Mobile")).toContainText("alert only");
    await expect(page.getByTestId("policy-group-Web")).toContainText("Claude Code only");

    // the override that ends in three days, with its date; it is in force now
    // (the line's test id is the target's name); an override is the person's own, not "per member"
    const expiring = page.locator('[data-testid^="policy-member-Eli Engineer"]');
    await expect(expiring.getByTestId("policy-amount")).toHaveText("4,800.00 credits");
    await expect(expiring).toContainText("engineer@acme.example");
    await expect(expiring).toContainText(`until ${EXPIRES}`);
    await expect(expiring).not.toContainText("not active now");
    await expect(expiring).toContainText("auth-service migration");
    // the scheduled one: from a later day, not in force yet
    const scheduled = page.locator('[data-testid^="policy-member-Maya Manager"]');
    await expect(scheduled).toContainText(`from ${STARTS}`);
    await expect(scheduled).toContainText(`until ${ENDS}`);
    await expect(scheduled).toContainText("not active now");
    // the two approved requests left their grants beside the editors' limits
    await expect(page.getByTestId("grant-badge")).toHaveCount(2);
    await saveScreenshot(page, "demo-limits-owner-1440");
    await page.context().close();
  });

  test("Requests shows pending requests from several people and decided ones", async ({
    browser,
  }) => {
    const page = await pageAs(browser, "owner", DESKTOP_WIDTH);
    await page.goto("/requests");
    const queue = page.getByTestId("queue");
    // pending first: three people asked, at different times
    for (const who of ["Eli Engineer", "Ava Silva", "Ben Larsen"])
      await expect(queue).toContainText(who);
    await expect(queue.getByTestId("request-status")).toHaveText(
      ["pending", "pending", "pending"],
      {
        ignoreCase: true,
      },
    );
    await saveScreenshot(page, "demo-requests-owner-1440");
    // the decided ones: two approved (one for less than asked), one denied with its note
    await page.getByTestId("queue-status").selectOption("ALL");
    await expect(queue.getByTestId("request-status")).toHaveCount(6);
    await expect(queue.getByTestId("request-status").filter({ hasText: /approved/i })).toHaveCount(
      2,
    );
    await expect(queue.getByTestId("request-status").filter({ hasText: /denied/i })).toHaveCount(1);
    await expect(queue).toContainText("Run the backfill on the Batch API");
    await page.context().close();
  });

  test("Alerts shows open alerts: near a limit, projected to run out, a pool", async ({
    browser,
  }) => {
    const page = await pageAs(browser, "admin", DESKTOP_WIDTH);
    await page.goto("/alerts");
    const list = page.getByTestId("alert-list");
    await expect(
      list
        .getByTestId("alert-threshold")
        .filter({ hasText: "Eli Engineer" })
        .filter({ hasText: "past the 80% threshold" }),
    ).toContainText("Open");
    await expect(
      list.getByTestId("alert-projection").filter({ hasText: "Eli Engineer" }),
    ).toContainText("is on pace to use up 4,800.00 credits");
    // the pooled cap counts too: Platform's pool is past 80 %
    await expect(
      list.getByTestId("alert-threshold").filter({ hasText: "Group Platform" }),
    ).toContainText("past the 80% threshold");
    // the owner keeps 80 % and 100 %: no 50 % alerts
    await expect(list).not.toContainText("past the 50% threshold");
    await page.context().close();
  });

  test("the engineer sees their limit and where it comes from", async ({ browser }) => {
    const page = await pageAs(browser, "engineer", DESKTOP_WIDTH);
    await page.goto("/me");
    await expect(page.getByTestId("my-limit").first()).toHaveText("4,800.00 credits");
    await expect(page.getByTestId("my-limit-reason").first()).toHaveText(
      new RegExp(`^individual override until ${EXPIRES} — auth-service migration`),
    );
    await page.context().close();
  });

  test("products are chosen from the workspace's list; an unknown one is refused naming the field", async ({
    browser,
  }) => {
    const owner = await pageAs(browser, "owner", DESKTOP_WIDTH);
    await owner.goto("/limits");
    await owner.getByTestId("new-group-limit").selectOption({ label: "Data" });
    const options = owner.getByTestId("policy-editor").locator('select[name="product"] option');
    await expect(options).toHaveText([
      "All products",
      "Codex (codex)",
      "ChatGPT (chatgpt)",
      "Claude Code (claude_code)",
      "API (OpenAI, Anthropic) (api)",
    ]);
    await owner.context().close();

    const page = await pageAs(browser, "engineer", DESKTOP_WIDTH);
    await page.goto("/requests");
    const form = page.getByTestId("request-form");
    await form.locator('input[name="amount"]').fill("200");
    await form.locator('select[name="product"]').selectOption("claude_code");
    await form
      .locator('textarea[name="reason"]')
      .fill("Claude Code for the last two services of the auth-service migration");
    await form.getByRole("button", { name: "Send request" }).click();
    await expect(page.getByTestId("request-sent")).toBeVisible();
    await expect(page.getByTestId("my-requests")).toContainText("Claude Code");
    // the API takes only a known product, and says which are known
    const res = await page.request.post("/api/requests", {
      data: { amount: "200", reason: "a typo in the product should be refused", product: "codexx" },
    });
    expect(res.status()).toBe(400);
    expect((await res.json()).error).toBe(
      "Invalid product: unknown product 'codexx'; known: codex, chatgpt, claude_code, api",
    );
    await page.context().close();
  });

  test("the owner's Overview at 1440 px", async ({ browser }) => {
    const page = await pageAs(browser, "owner", DESKTOP_WIDTH);
    await page.goto("/overview");
    await expect(page.getByRole("heading", { level: 1 }).first()).toBeVisible();
    await page.waitForLoadState("networkidle");
    await saveScreenshot(page, "demo-overview-owner-1440");
    await page.context().close();
  });
});
