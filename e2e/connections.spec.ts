import { expect, test } from "@playwright/test";

import { startFakeProvider, type FakeProvider } from "../tests/fake-provider/server";
import { E2E_NOW } from "./clock";
import { storageStateFor } from "./roles";
import { saveScreenshot } from "./screenshots";

let fake: FakeProvider;
test.beforeAll(async () => {
  fake = await startFakeProvider();
});
test.afterAll(async () => {
  await fake.close();
});

test.describe("owner connects OpenAI, syncs, reconciles and maps an unknown user", () => {
  test.use({ storageState: storageStateFor("owner") });

  test("add → sync → reconciliation equals the bill → map user_ghost", async ({
    page,
  }, testInfo) => {
    const name = `OpenAI e2e ${Date.now().toString(36)}`;
    await page.goto("/connections");
    await expect(page.getByRole("heading", { name: "Connections", level: 1 })).toBeVisible();

    await page.getByLabel("Provider").selectOption("openai");
    await page.getByLabel("Name", { exact: true }).fill(name);
    await page.getByLabel("Base URL (with version)").fill(fake.openaiBase);
    await page.getByLabel(/Admin key/).fill("sk-admin-fake-openai");
    await page.getByRole("button", { name: "Add connection" }).click();
    const item = page.getByTestId(`connection-${name}`);
    await expect(item).toBeVisible();
    await expect(item.getByTestId("key-masked")).toHaveText("••••enai");
    await expect(page.getByText("sk-admin-fake-openai")).toHaveCount(0);

    await item.getByRole("button", { name: "Test connection" }).click();
    await expect(item.getByTestId("connection-message")).toContainText("3 project(s)");

    await item.getByLabel(`Sync ${name} from`).fill("2026-11-01");
    await item.getByRole("button", { name: "Sync now" }).click();
    // the poller refreshes until the run is done
    await expect(item.getByText("ok", { exact: true })).toBeVisible({ timeout: 30_000 });
    await expect(page.getByTestId("run-history").getByTestId("run-status").first()).toHaveText(
      "succeeded",
    );
    // the run is dated by the app's (pinned) clock, not the machine's
    await expect(page.getByTestId("run-history").locator("tbody tr").first()).toContainText(
      `${E2E_NOW.toISOString().slice(0, 10)} `,
    );

    // 2026-11-05 billed $8.421806 (3% below list price): the delta is negative
    const nov5 = page.getByTestId(`recon-2026-11-05-${name}`);
    await expect(nov5.getByTestId("billed")).toHaveText("$8.42");
    await expect(page.getByTestId(`recon-2026-11-07-${name}`).getByTestId("billed")).toHaveText(
      "$21.32",
    );

    // the JSON API answers masked DTOs only
    const api = await page.request.get("/api/connections");
    expect(api.status()).toBe(200);
    const body = await api.text();
    expect(body).toContain(name);
    expect(body).not.toContain("sk-admin-fake-openai");
    expect(body).not.toContain("encryptedKey");

    const ghost = page.getByTestId("unmapped-user_ghost");
    await expect(ghost).toBeVisible();
    await saveScreenshot(page, "connections-owner");
    await ghost
      .getByLabel("Member for user_ghost")
      .selectOption({ label: "Olivia Owner (owner@acme.example)" });
    await ghost.getByRole("button", { name: "Map" }).click();
    await expect(page.getByTestId("unmapped-user_ghost")).toHaveCount(0);
    await saveScreenshot(page, "connections", { attachTo: testInfo });
  });
});

test.describe("connections are owner-only", () => {
  test.use({ storageState: storageStateFor("admin") });
  test("an admin gets the forbidden page", async ({ page }) => {
    const res = await page.goto("/connections");
    expect(res?.status()).toBe(403);
    await expect(page.getByText("Add a connection")).toHaveCount(0);
    expect((await page.request.get("/api/connections")).status()).toBe(403);
  });
});
