import { expect, test } from "@playwright/test";

import { storageStateFor } from "./roles";
import { saveScreenshot } from "./screenshots";

// Issue 20 "cost per PR appears for Claude Code users": on the seeded demo (its Claude Code
// and Codex users carry outcome facts, lib/demo/outcomes.ts) finance and the owner read billed
// cost per PR, per commit and per 1,000 lines by product, group and person on /outcomes.
// Read-only.

const MONEY = /^\$\d{1,3}(,\d{3})*\.\d{2}$/;

test.describe("Outcomes: cost per PR", () => {
  test.describe("finance", () => {
    test.use({ storageState: storageStateFor("finance"), viewport: { width: 1440, height: 900 } });

    test("sees cost per PR and per commit for Claude Code, by group and by person", async ({
      page,
    }) => {
      await page.goto("/outcomes?range=90d");
      await expect(page.getByRole("heading", { name: "Outcomes" })).toBeVisible();
      await expect(page.getByTestId("outcomes-range")).toContainText("Last 90 days");

      const total = page.getByTestId("outcomes-per-pr");
      await expect(total).toHaveText(MONEY);

      // two products report outcomes: Claude Code (commits, PRs, lines) carries the same cost
      // per PR as the headline; Codex reports lines only: a cost per 1,000 lines, no cost per PR
      const products = page.getByTestId("outcomes-by-product");
      await expect(products.locator("tbody tr")).toHaveCount(2);
      const claude = products.locator('tr[data-row="Claude Code"]');
      await expect(claude.locator('[data-cell="per-pr"]')).toHaveText((await total.textContent())!);
      const codex = products.locator('tr[data-row="Codex"]');
      await expect(codex.locator('[data-cell="per-pr"]')).toHaveText("—");
      await expect(codex.locator('[data-cell="per-k-lines"]')).toHaveText(MONEY);
      await expect(page.getByTestId("outcomes-per-k-lines")).toHaveText(MONEY);

      // groups and people: each ratio is money or "—" (no PR), never $0 from a division by
      // zero, never Infinity / NaN
      const groups = page.getByTestId("outcomes-by-group").locator('[data-cell="per-pr"]');
      expect(await groups.count()).toBeGreaterThan(3);
      const people = page.getByTestId("outcomes-by-person").locator('[data-cell="per-pr"]');
      expect(await people.count()).toBeGreaterThan(20);
      const texts = [...(await groups.allInnerTexts()), ...(await people.allInnerTexts())];
      for (const t of texts) expect(t.trim()).toMatch(/^(—|\$\d{1,3}(,\d{3})*\.\d{2})$/);
      // Claude Code users with PRs have a cost per PR; people are listed dearest first
      const first = people.first();
      await expect(first).toHaveText(MONEY);
      // compact: the first 25 people, the others one disclosure away, none lost
      expect(await people.count()).toBe(25);
      expect(await page.evaluate(() => document.documentElement.scrollHeight)).toBeLessThan(3_500);
      const more = page.getByTestId("outcomes-more-people");
      const hidden = more.getByTestId("outcomes-by-person-more").locator("tbody tr");
      await expect(hidden.first()).toBeHidden();
      await more.locator("summary").click();
      await expect(hidden.first()).toBeVisible();
      await expect(more.locator("summary")).toHaveText(
        `${await hidden.count()} more people, by cost per PR`,
      );
      await saveScreenshot(page, "outcomes-finance-1440");
    });
  });

  test.describe("owner", () => {
    test.use({ storageState: storageStateFor("owner") });

    test("reaches Outcomes from the navigation and sees a group's cost per PR", async ({
      page,
    }) => {
      await page.goto("/overview");
      await page
        .getByRole("navigation", { name: "Main" })
        .first()
        .getByRole("link", { name: "Outcomes" })
        .click();
      await expect(page).toHaveURL(/\/outcomes$/);
      await expect(page.getByTestId("outcomes-range")).toContainText("Last 30 days");
      const platform = page.getByTestId("outcomes-by-group").locator('tr[data-row="Platform"]');
      await expect(platform.locator('[data-cell="per-pr"]')).toHaveText(/^(—|\$[\d,]+\.\d{2})$/);
      await expect(page.getByTestId("outcomes-per-pr")).toHaveText(MONEY);
    });
  });

  test.describe("engineer", () => {
    test.use({ storageState: storageStateFor("engineer") });

    test("has no Outcomes screen and its API answers 403", async ({ page }) => {
      const res = await page.request.get("/api/outcomes/cost-per-pr?member=x");
      expect(res.status()).toBe(403);
    });
  });
});
