import { expect, test } from "@playwright/test";

import { formatAmount } from "../lib/money";
import {
  actorIdOf,
  analyticsTruth,
  sharedAnalyticsFake,
} from "../tests/fake-provider/anthropic-analytics";
import { startFakeProvider, type FakeProvider } from "../tests/fake-provider/server";
import { storageStateFor } from "./roles";

let fake: FakeProvider;
test.beforeAll(async () => {
  fake = await startFakeProvider();
});
test.afterAll(async () => {
  await fake.close();
});

test.describe("owner connects Anthropic through the Usage & Cost Analytics API", () => {
  test.use({ storageState: storageStateFor("owner") });

  test("add with the analytics option → test → sync → the bill per day and per person", async ({
    page,
  }, testInfo) => {
    const name = `Claude analytics ${Date.now().toString(36)}`;
    await page.goto("/connections");
    await page.getByLabel("Provider").selectOption("anthropic");
    await page.getByLabel("Anthropic API").selectOption("analytics");
    await expect(page.getByLabel("People's Claude Code and chat use")).toHaveValue("invoiced");
    await page.getByLabel("Name", { exact: true }).fill(name);
    await page.getByLabel("Base URL (with version)").fill(fake.anthropicBase);
    await page.getByLabel(/Admin key/).fill("sk-ant-admin-fake");
    await page.screenshot({
      fullPage: true,
      path: "test-results/screenshots/anthropic-analytics-form.png",
    });
    await page.getByRole("button", { name: "Add connection" }).click();
    const item = page.getByTestId(`connection-${name}`);
    await expect(item).toBeVisible();

    await item.getByRole("button", { name: "Test connection" }).click();
    await expect(item.getByTestId("connection-message")).toContainText(
      "Usage & Cost Analytics API reachable",
    );

    await item.getByLabel(`Sync ${name} from`).fill("2026-11-01");
    await item.getByRole("button", { name: "Sync now" }).click();
    await expect(item.getByText("ok", { exact: true })).toBeVisible({ timeout: 60_000 });

    // the fake's own truth: the day's bill and one person's Claude Code cost
    const records = sharedAnalyticsFake().records;
    const truth = analyticsTruth(records, "invoiced", { start: "2026-11-01", end: "2026-11-19" });
    await expect(page.getByTestId(`recon-2026-11-05-${name}`).getByTestId("billed")).toHaveText(
      formatAmount(truth.billedByDay["2026-11-05"]!, "USD"),
    );
    const anaClaudeCode = records
      .filter(
        (r) =>
          r.day >= "2026-11-01" &&
          actorIdOf(r.actor) === "user_01AnaLopez" &&
          r.product === "claude_code" &&
          r.costMicros,
      )
      .reduce((a, r) => a + r.costMicros!, 0n);
    const ana = page.getByTestId("unmapped-user_01AnaLopez").filter({ hasText: "claude_code" });
    await expect(ana).toBeVisible();
    await expect(ana).toContainText(formatAmount(anaClaudeCode, "USD"));
    await expect(page.getByTestId("unmapped-svac_01BuildBot").first()).toBeVisible();
    await expect(page.getByText("sk-ant-admin-fake")).toHaveCount(0);
    const shot = await page.screenshot({
      fullPage: true,
      path: "test-results/screenshots/anthropic-analytics-synced.png",
    });
    await testInfo.attach("anthropic analytics", { body: shot, contentType: "image/png" });
  });
});

test.describe("seat-covered Claude Code shows as an estimate, never as spend", () => {
  test.use({ storageState: storageStateFor("owner") });

  test("an 'included' analytics connection puts Claude Code into its own 'Seats, estimated' column on Usage", async ({
    page,
  }) => {
    const name = `Claude seats ${Date.now().toString(36)}`;
    await page.goto("/connections");
    await page.getByLabel("Provider").selectOption("anthropic");
    await page.getByLabel("Anthropic API").selectOption("analytics");
    await page.getByLabel("People's Claude Code and chat use").selectOption("included");
    await page.getByLabel("Name", { exact: true }).fill(name);
    await page.getByLabel("Base URL (with version)").fill(fake.anthropicBase);
    await page.getByLabel(/Admin key/).fill("sk-ant-admin-fake");
    await page.getByRole("button", { name: "Add connection" }).click();
    const item = page.getByTestId(`connection-${name}`);
    await item.getByLabel(`Sync ${name} from`).fill("2026-11-01");
    await item.getByRole("button", { name: "Sync now" }).click();
    await expect(item.getByText("ok", { exact: true })).toBeVisible({ timeout: 60_000 });

    await page.goto("/usage?dimension=product");
    const table = page.getByTestId("usage-table");
    await expect(table.getByRole("columnheader", { name: "Seats, estimated" })).toBeVisible();
    // the note's total equals the Claude Code row's seat cell: only Claude Code has seats
    const note = page.getByTestId("seat-estimate");
    await expect(note).toContainText("Claude Code seats, estimated:");
    const total = (await note.locator("span").first().innerText()).split(": ")[1]!.trim();
    expect(total).not.toMatch(/^[^1-9]*$/); // not zero
    // the Claude Code row carries that total in its seat column (its Spend is billed money only)
    const claudeCode = table.getByRole("row").filter({ hasText: "Claude Code" });
    await expect(claudeCode).toContainText(total);
    await page.screenshot({ fullPage: true, path: "test-results/screenshots/usage-seats.png" });
  });
});
