import { expect, test } from "@playwright/test";

import { pageAs } from "./roles";
import { saveScreenshot } from "./screenshots";

// Issue 16: the owner's billing settings — whether Claude Code seat estimates count against
// limits, and the dated exchange-rate table (validated, audited); others reach no route.

test.describe("Billing settings", () => {
  test("the owner sets and removes an exchange rate and switches seat estimates; a bad rate is refused with its reason", async ({
    browser,
  }) => {
    const owner = await pageAs(browser, "owner");
    await owner.goto("/settings");
    const card = owner.getByTestId("exchange-rates");
    await expect(card).toBeVisible();

    await owner.getByLabel("Currency").fill("chf");
    await owner.getByLabel("From (day)").fill("2026-11-01");
    await owner.getByLabel("USD per unit").fill("1,10");
    await owner.getByRole("button", { name: "Set rate" }).click();
    await expect(owner.getByTestId("billing-message")).toContainText("plain decimal");

    await owner.getByLabel("USD per unit").fill("1.1325");
    await owner.getByRole("button", { name: "Set rate" }).click();
    await expect(owner.getByTestId("billing-message")).toContainText(
      "1 CHF = 1.1325 USD from 2026-11-01",
    );
    const row = card.locator("tr", { hasText: "CHF" });
    await expect(row).toContainText("1.1325");

    const seat = owner.getByTestId("seat-estimates-count");
    await expect(seat).toBeChecked();
    await seat.click();
    await expect(owner.getByTestId("billing-message")).toContainText("no longer count");
    await owner.reload();
    await expect(owner.getByTestId("seat-estimates-count")).not.toBeChecked();
    await saveScreenshot(owner, "settings-billing-owner");

    await owner.getByTestId("seat-estimates-count").click();
    await expect(owner.getByTestId("billing-message")).toContainText("now count");
    await row.getByRole("button", { name: "Remove" }).click();
    await expect(owner.getByTestId("billing-message")).toContainText("Removed the CHF rate");
    await expect(card.locator("tr", { hasText: "CHF" })).toHaveCount(0);

    await owner.goto("/audit?action=exchange_rate.*");
    await expect(
      owner.locator('[data-testid="audit-row"][data-action="exchange_rate.set"]').first(),
    ).toBeVisible();
    await expect(
      owner.locator('[data-testid="audit-row"][data-action="exchange_rate.remove"]').first(),
    ).toBeVisible();
    await owner.context().close();
  });

  test("an admin or engineer changes no billing setting", async ({ browser }) => {
    for (const role of ["admin", "engineer"] as const) {
      const page = await pageAs(browser, role);
      await page.goto("/");
      expect(
        (
          await page.request.put("/api/settings/exchange-rates", {
            data: { currency: "EUR", effectiveFrom: "2026-11-01", usdPerUnit: "1.1" },
          })
        ).status(),
      ).toBe(403);
      expect(
        (
          await page.request.put("/api/settings/seat-estimates", {
            data: { seatEstimatesCountAgainstLimits: false },
          })
        ).status(),
      ).toBe(403);
      await page.context().close();
    }
  });
});
