import { expect, test } from "@playwright/test";

import { resetServerClock } from "../clock";
import { storageStateFor } from "../roles";
import { saveScreenshot } from "../screenshots";

// Issue 20, in the request context: on the governed demo (pending requests from the
// manager's people, lib/demo/governance.ts) a request's details say "Cost per PR: this person
// $X vs their group $Y" (components/outcomes/cost-per-pr.tsx). Read-only.

test.describe("the request context's cost per PR", () => {
  test.use({ storageState: storageStateFor("manager"), viewport: { width: 1440, height: 900 } });
  test.beforeAll(() => resetServerClock());

  test("the manager sees this person's cost per PR vs their group's", async ({ page }) => {
    await page.goto("/requests");
    const item = page.locator('[data-testid^="queue-item-"]').first();
    await expect(item).toBeVisible();
    await item.getByRole("button", { name: "Details" }).click();
    const line = item.getByTestId("cost-per-pr");
    await expect(line).toBeVisible();
    await expect(line).toHaveText(
      /Cost per PR \(last 90 days, billed\): this person (—|\$[\d,]+\.\d{2})( \(no PRs\))? vs their groups? \w+ (—|\$[\d,]+\.\d{2})/,
    );
    await saveScreenshot(page, "outcomes-request-context");

    // the same figures as the API the line reads
    const member = await page.evaluate(async () => {
      const r = await fetch("/api/requests");
      const d = (await r.json()) as { queue: { requester: { id: string } }[] };
      return d.queue[0]?.requester.id ?? "";
    });
    const api = await page.request.get(`/api/outcomes/cost-per-pr?member=${member}`);
    expect(api.status()).toBe(200);
    // an unknown query parameter is refused naming it
    const bad = await page.request.get(`/api/outcomes/cost-per-pr?member=${member}&extra=1`);
    expect(bad.status()).toBe(400);
    expect(await bad.text()).toContain("extra");
  });
});
