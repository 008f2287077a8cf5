import { expect, test } from "@playwright/test";

import { resetServerClock } from "./clock";
import { pageAs } from "./roles";
import { saveScreenshot } from "./screenshots";

// Issue 20 "forecasts with a range" and issue 17 "future days not drawn as zero": the
// Overview's daily chart draws the rest of the period as the forecast's band with a dashed
// expected line, and the projection shows its range; the engineer's own chart does the same.
// Read-only: it only looks (the run-out range with limits: e2e/isolated/demo-forecast.spec.ts).

const MONEY = /[\d,]+\.\d{2} credits/;

test.describe("forecasts with a range", () => {
  test.beforeAll(() => resetServerClock());

  for (const width of [1440, 800]) {
    test(`the owner's overview shows the forecast band at ${width} px`, async ({ browser }) => {
      const page = await pageAs(browser, "owner", width);
      await page.goto("/overview");
      const projected = page.getByTestId("projected");
      await expect(projected).toBeVisible();
      // the band is the projection card's hint, beside its value ("projected")
      const band = page.getByTestId("forecast-band");
      await expect(band).toContainText(/range [\d,]+\.\d{2} credits – [\d,]+\.\d{2} credits/);
      const [low, high] = ((await band.textContent()) ?? "")
        .match(/[\d,]+\.\d{2}/g)!
        .map((x) => Number(x.replaceAll(",", "")));
      expect(low).toBeLessThanOrEqual(high!);
      await expect(projected).toContainText(MONEY);
      // the days after today are a forecast range, not zero bars
      await expect(page.getByTestId("daily-chart")).toHaveAttribute(
        "aria-label",
        /days to come as a forecast range/,
      );
      await expect(page.locator(".recharts-area-area")).toHaveCount(1);
      await saveScreenshot(page, `forecast-owner-${width}`);
      await page.context().close();
    });
  }

  test("the engineer's own chart draws the rest of the period as a forecast", async ({
    browser,
  }) => {
    for (const width of [1440, 800]) {
      const page = await pageAs(browser, "engineer", width);
      await page.goto("/me");
      await expect(page.getByTestId("daily-chart").first()).toHaveAttribute(
        "aria-label",
        /days to come as a forecast range/,
      );
      await saveScreenshot(page, `forecast-engineer-${width}`);
      await page.context().close();
    }
  });
});
