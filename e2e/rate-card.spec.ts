import { expect, test } from "@playwright/test";

import { storageStateFor } from "./roles";
import { saveScreenshot } from "./screenshots";

test.describe("owner edits the rate card: snapshot prices and aliases", () => {
  test.use({ storageState: storageStateFor("owner") });

  test("add an alias, edit its target, see a refused price, remove it", async ({ page }) => {
    const alias = `team-model-${Date.now().toString(36)}`;
    await page.goto("/connections");
    const card = page.getByTestId("rate-card");
    await expect(card.getByTestId("rate-gpt-4o-mini")).toBeVisible();

    const form = page.getByTestId("rate-card-add");
    await form.getByLabel("Entry").selectOption("alias");
    await form.getByLabel(/Model name/).fill(alias);
    await form.getByLabel("Effective from").fill("2026-11-01");
    await form.getByLabel("Priced as model").fill("gpt-5-mini");
    await form.getByRole("button", { name: "Add alias" }).click();
    const row = card.getByTestId(`rate-${alias}`);
    await expect(row).toContainText("priced as gpt-5-mini");
    await expect(row).toContainText("alias");

    await row.getByRole("button", { name: "Edit" }).click();
    await row.getByLabel("Priced as model").fill("gpt-5");
    await row.getByRole("button", { name: "Save" }).click();
    await expect(row).toContainText("priced as gpt-5");
    await expect(row).not.toContainText("gpt-5-mini");

    // a snapshot price with a malformed amount is refused with the rule, nothing is added
    await form.getByLabel("Entry").selectOption("price");
    await form.getByLabel(/Model name/).fill("gpt-4o-mini-2024-07-18");
    await form.getByLabel("Effective from").fill("2026-11-01");
    await form.getByLabel("Input $/1M").fill("0.15$");
    await form.getByLabel("Cached $/1M").fill("0.075");
    await form.getByLabel("Output $/1M").fill("0.6");
    await form.getByRole("button", { name: "Add price" }).click();
    await expect(form.getByRole("alert")).toContainText("USD per 1M tokens");
    await expect(card.getByTestId("rate-gpt-4o-mini-2024-07-18")).toHaveCount(0);

    await page.getByText("Rate card (list prices)").scrollIntoViewIfNeeded();
    await saveScreenshot(page, "rate-card");

    await row.getByRole("button", { name: "Remove" }).click();
    await expect(card.getByTestId(`rate-${alias}`)).toHaveCount(0);
  });
});
