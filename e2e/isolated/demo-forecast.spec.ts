import { expect, test } from "@playwright/test";

import { resetServerClock } from "../clock";
import { DESKTOP_WIDTH, pageAs } from "../roles";
import { saveScreenshot } from "../screenshots";

// Issue 20 "forecasts with a range" on the governed demo (limits exist): a member near their
// limit gets a projected run-out as a range (earliest on the forecast's high side, latest on
// its low side) on the owner's Limits and Alerts, and the engineer sees their own. Read-only.

const DAY = String.raw`\d{4}-\d{2}-\d{2}`;

test.describe.serial("forecast ranges on the governed demo", () => {
  test.beforeAll(() => resetServerClock());

  test("the owner sees a run-out range for the member near the limit", async ({ browser }) => {
    const page = await pageAs(browser, "owner", DESKTOP_WIDTH);
    await page.goto("/alerts");
    // the alert fires on the band's high side and names the range
    await expect(
      page.getByTestId("alert-projection").filter({ hasText: "Eli Engineer" }),
    ).toContainText(new RegExp(`on pace to use up 4,800\\.00 credits (on|as soon as) ${DAY}`));
    await page.goto("/limits");
    const row = page.getByRole("row").filter({ hasText: "Eli Engineer" }).first();
    await expect(row).toContainText(new RegExp(`${DAY}( – (${DAY}|period end))?`));
    await page.goto("/overview");
    await expect(page.getByTestId("forecast-band")).toBeVisible();
    await saveScreenshot(page, "demo-forecast-owner");
    await page.context().close();
  });

  test("the engineer sees their own run-out range", async ({ browser }) => {
    for (const width of [1440, 800]) {
      const page = await pageAs(browser, "engineer", width);
      await page.goto("/me");
      // the run-out range is the Remaining figure's hint, beside its value ("my-remaining")
      await expect(page.getByTestId("my-remaining").locator("..")).toContainText(
        /runs out (around|between) .+ on the forecast|enough at this pace/,
      );
      await saveScreenshot(page, `demo-forecast-engineer-${width}`);
      await page.context().close();
    }
  });
});
