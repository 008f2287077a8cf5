import { expect, test } from "@playwright/test";

import { formatAmount } from "../lib/core/money";
import {
  actorIdOf,
  analyticsTruth,
  sharedAnalyticsFake,
} from "../tests/fake-provider/anthropic-analytics";
import { startFakeProvider, type FakeProvider } from "../tests/fake-provider/server";
import { storageStateFor } from "./roles";
import { saveScreenshot } from "./screenshots";

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
    await saveScreenshot(page, "anthropic-analytics-form");
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
    await saveScreenshot(page, "anthropic-analytics-synced", { attachTo: testInfo });
  });
});

/** "$1,234.56" or "1,234.56 credits" → cents, as an integer (no float arithmetic on money). */
function cents(text: string): bigint {
  const m = /(−|-)?[$]?([\d,]+)\.(\d{2})/.exec(text);
  if (!m) throw new Error(`not an amount: ${text}`);
  const value = BigInt(m[2]!.replaceAll(",", "") + m[3]!);
  return m[1] ? -value : value;
}

test.describe("seat-covered use shows as an estimate, never as spend", () => {
  test.use({ storageState: storageStateFor("owner") });

  test("an 'included' analytics connection puts people's Claude use into the 'Seats, estimated' column on Usage, row by row", async ({
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
    const note = page.getByTestId("seat-estimate");
    await expect(note).toContainText("Seat plans, estimated:");
    const total = cents((await note.locator("span").first().textContent())!.split(": ")[1]!);
    expect(total).toBeGreaterThan(0n);

    // the column splits the page's seat total per product: its cells add up to the note
    // (within a cent per row, since each is rounded for display), and Claude Code has a share
    const headers = await table.locator("thead th").allTextContents();
    const seatColumn = headers.findIndex((h) => h.includes("Seats, estimated"));
    expect(seatColumn).toBeGreaterThan(0);
    const rows = table.locator("tbody tr");
    const n = await rows.count();
    let sum = 0n;
    let claudeCode = 0n;
    for (let i = 0; i < n; i += 1) {
      const cellsOfRow = await rows.nth(i).locator("th, td").allTextContents();
      const seat = cents(cellsOfRow[seatColumn]!);
      sum += seat;
      if (cellsOfRow.some((c) => c.trim().startsWith("Claude Code"))) claudeCode = seat;
    }
    const diff = sum > total ? sum - total : total - sum;
    expect(diff).toBeLessThanOrEqual(BigInt(n));
    expect(claudeCode).toBeGreaterThan(0n);
    await saveScreenshot(page, "usage-seats");
  });
});
