import { expect, test, type Locator } from "@playwright/test";

import { E2E_NOW, resetServerClock } from "../clock";
import { DESKTOP_WIDTH, pageAs } from "../roles";
import { saveScreenshot } from "../screenshots";

// Issue 17, the screens walked by someone who has not read the code (the governed demo,
// ALLOTMENT_SEED_GOVERNANCE=1, at 1440 and 800 px): what that walk found wrong, each pinned
// here so it stays mended. Products read by their names (Codex, Claude Code), never their ids;
// an override is the person's own limit, not "per member"; at 800 px the Limits tables keep an
// amount on one line and the Usage filters open inside the window; times read in UTC, not in
// the browser's locale. Read-only.

/** How many lines a cell's text takes (1 = it does not wrap). */
async function linesOf(cell: Locator): Promise<number> {
  return cell.evaluate((el) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
  });
}

test.describe.serial("the demo's screens read right", () => {
  test.beforeAll(() => resetServerClock());

  test("Limits names products, says an override is the person's own and keeps amounts on one line at 800 px", async ({
    browser,
  }) => {
    const page = await pageAs(browser, "owner", 800);
    await page.goto("/limits");
    const web = page.getByTestId("policy-group-Web");
    await expect(web).toContainText("Claude Code only");
    await expect(web).not.toContainText("claude_code");
    await expect(web.getByTestId("policy-amount")).toHaveText("2,500.00 credits per member");
    const eli = page.locator('[data-testid^="policy-member-Eli Engineer"]');
    await expect(eli.getByTestId("policy-amount")).toHaveText("4,800.00 credits");
    await expect(eli).toContainText("engineer@acme.example");
    const rows = page.getByTestId("groups-table").locator("tbody tr");
    await expect(rows.first()).toBeVisible();
    for (const row of (await rows.all()).slice(0, 5))
      for (const cell of (await row.locator("td").all()).slice(2))
        expect(await linesOf(cell), await cell.innerText()).toBe(1);
    await page.context().close();
  });

  test("Requests and the audit log name the product a request is for", async ({ browser }) => {
    const page = await pageAs(browser, "owner", DESKTOP_WIDTH);
    await page.goto("/requests");
    // the demo's request #5: Eli Engineer asks for 1,500 credits of Codex
    const eli = page.getByTestId("queue-item-5");
    await expect(eli).toContainText("asks for 1,500.00 credits for Codex");
    await expect(eli).toContainText("Limit for Codex:");
    await expect(eli).not.toContainText("codex");
    // the inbox is filtered by a product chosen from the workspace's list
    const product = page.getByLabel("Product");
    await expect(product.locator("option")).toContainText(["All products", "Codex (codex)"]);
    await page.goto("/audit");
    await expect(page.getByText("asked for 1,500.00 credits of Codex")).toBeVisible();
    await expect(page.getByText("set group Web's limit for Claude Code")).toBeVisible();
    await page.context().close();
  });

  test("at 800 px the Usage filter furthest right opens inside the window", async ({ browser }) => {
    const page = await pageAs(browser, "owner", 800);
    await page.goto("/usage");
    const filters = page.locator("main details > summary");
    await expect(filters.last()).toBeVisible();
    await filters.last().click();
    const list = page.locator("main details[open] fieldset");
    await expect(list).toBeVisible();
    const box = (await list.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(800);
    await page.context().close();
  });

  test("My budget calls its projection the forecast, not the pace so far", async ({ browser }) => {
    const page = await pageAs(browser, "engineer", DESKTOP_WIDTH);
    await page.goto("/me");
    // 4,012.99 credits in 20 days is 200.65 a day, yet the projection is the forecast's, lower
    await expect(page.getByTestId("my-projected")).toHaveText("5,666.96 credits");
    await expect(page.getByText(/^on the forecast for the \d+ days left/)).toBeVisible();
    await expect(page.getByText("if the pace so far holds")).toHaveCount(0);
    // the chart's legend: the products, then the forecast's range and line
    const legend = page.getByTestId("daily-chart").locator(".recharts-legend-item-text");
    const names = await legend.allInnerTexts();
    expect(names.slice(-2)).toEqual(["Forecast range (10–90 %)", "Forecast (expected)"]);
    expect(names.slice(0, -2).sort()).toEqual(["API", "ChatGPT", "Claude Code", "Codex"]);
    await page.goto("/requests");
    await expect(page.getByText("on the forecast for the rest of the period")).toBeVisible();
    await expect(page.getByText("at the pace so far")).toHaveCount(0);
    // their own request names its product
    await expect(page.getByTestId("my-request-5")).toContainText("Codex");
    await page.context().close();
  });

  test("Members comes in pages of 50 with the filters kept, not one 16,000 px page", async ({
    browser,
  }) => {
    const page = await pageAs(browser, "owner", DESKTOP_WIDTH);
    await page.goto("/members?role=MEMBER");
    const count = page.getByTestId("members-count");
    await expect(count).toHaveText(/^1–50 of [\d,]+ people$/);
    await expect(page.getByTestId("member-row")).toHaveCount(50);
    const first = await page.getByTestId("member-row").first().getAttribute("data-email");
    await page.getByTestId("members-pager").getByRole("link", { name: "Next" }).click();
    await expect(count).toHaveText(/^51–100 of /);
    expect(new URL(page.url()).searchParams.get("role")).toBe("MEMBER");
    await expect(page.getByTestId("member-row").first()).not.toHaveAttribute("data-email", first!);
    await page.context().close();
  });

  test("someone over their limit reads 'used up', not a run-out day already behind them", async ({
    browser,
  }) => {
    const page = await pageAs(browser, "owner", DESKTOP_WIDTH);
    await page.goto("/usage");
    // the demo's top spender: 8,716.36 credits against the 5,000 default
    await page.getByRole("link", { name: "Yusuf Zhang", exact: true }).first().click();
    await page.waitForURL(/\/members\/[^/?]+$/);
    const remaining = page.getByTestId("my-remaining").locator("..");
    await expect(remaining).toContainText("used up: 3,716.36 credits over the limit");
    await expect(remaining).not.toContainText("runs out");
    await page.context().close();
  });

  test("at 800 px the audit log's sentences keep a readable width", async ({ browser }) => {
    const page = await pageAs(browser, "owner", 800);
    await page.goto("/audit");
    const summary = page.getByTestId("audit-summary").first();
    await expect(summary).toBeVisible();
    expect((await summary.boundingBox())!.width).toBeGreaterThanOrEqual(300);
    await page.context().close();
  });

  test("Connections says when a source last synced in UTC", async ({ browser }) => {
    const page = await pageAs(browser, "owner", DESKTOP_WIDTH);
    await page.goto("/connections");
    await expect(page.locator("dd").filter({ hasText: / UTC$/ }).first()).toHaveText(
      /^\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$/,
    );
    // the demo's models are priced (its simulator reports their cost): no red "no price" alarm
    await expect(page.getByTestId("rate-card")).toBeVisible();
    await expect(page.getByTestId("rate-card-unpriced")).toHaveCount(0);
    await page.context().close();
  });

  test("My budget says 'workspace default' once", async ({ browser }) => {
    // the owner is in Observability, which has no group limit: the workspace default applies
    const page = await pageAs(browser, "owner", DESKTOP_WIDTH);
    await page.goto("/me");
    const meter = page.getByTestId("member-limit");
    await expect(meter.getByTestId("limit-source")).toHaveText("workspace default");
    await expect(meter.getByTestId("my-limit-reason")).toHaveCount(0);
    expect((await meter.innerText()).match(/workspace default/gi)).toHaveLength(1);
    await saveScreenshot(page, "demo-me-owner", { fullPage: false });
    await page.context().close();
  });

  test("the pinned demo dates its alerts, bell and grants by its own today, not the machine's", async ({
    browser,
  }) => {
    const page = await pageAs(browser, "owner", DESKTOP_WIDTH);
    const alerts = (
      (await (await page.request.get("/api/alerts")).json()) as {
        alerts: { createdAt: string }[];
      }
    ).alerts;
    expect(alerts.length).toBeGreaterThan(0);
    for (const a of alerts) expect(Date.parse(a.createdAt)).toBeLessThanOrEqual(E2E_NOW.getTime());
    // (the bell's entries are the alerts' own: lib/alerts/evaluate.ts writes both at its now)
    const policies = (
      (await (await page.request.get("/api/limits")).json()) as {
        policies: { slot: string; updatedAt: string }[];
      }
    ).policies;
    expect(policies.some((p) => p.slot.startsWith("request:"))).toBe(true);
    for (const p of policies)
      expect(Date.parse(p.updatedAt)).toBeLessThanOrEqual(E2E_NOW.getTime());
    await page.context().close();
  });

  test("service accounts read by name: not in the managers picker, not found by their pseudo-domain", async ({
    browser,
  }) => {
    const page = await pageAs(browser, "ciAdmin", DESKTOP_WIDTH);
    await page.goto("/groups");
    await page.getByRole("button", { name: "Create group" }).click();
    const managers = page.locator("#group-managers-list option");
    await expect(managers).toHaveCount(2);
    expect(
      (await managers.evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value))).sort(),
    ).toEqual(["Cal CI-Admin <ci-admin@acme.example>", "Cora CI-Owner <ci-owner@acme.example>"]);
    expect(await page.locator("main").innerText()).not.toContain("service.invalid");
    await page.goto("/limits?state=all");
    const filter = page.getByTestId("member-filter");
    await expect(filter).toHaveAttribute("maxlength", "200");
    await filter.fill("n".repeat(250));
    expect((await filter.inputValue()).length).toBe(200);
    await filter.fill("Nightly");
    await expect(page.getByTestId("members-table")).toContainText("Service account");
    await saveScreenshot(page, "demo-limits-ci-search", { fullPage: false });
    await filter.fill("service.invalid");
    await expect(page.getByText(/^Nobody matches/)).toBeVisible();
    await page.context().close();
  });

  test("the demo's open alerts say one thing each: one per subject and kind, the hard limit over its thresholds", async ({
    browser,
  }) => {
    const page = await pageAs(browser, "admin", DESKTOP_WIDTH);
    type Alert = { kind: string; subjectType: string; subjectId: string; status: string };
    const open = (
      (await (await page.request.get("/api/alerts")).json()) as { alerts: Alert[] }
    ).alerts.filter((a) => a.status === "OPEN");
    const keys = open.map((a) => `${a.subjectType}:${a.subjectId}:${a.kind}`);
    expect(new Set(keys).size).toBe(keys.length);
    const limitReached = new Set(
      open.filter((a) => a.kind === "hard_limit").map((a) => a.subjectId),
    );
    expect(limitReached.size).toBeGreaterThan(0);
    expect(open.filter((a) => a.kind === "threshold" && limitReached.has(a.subjectId))).toEqual([]);
    // the demo's Yusuf Zhang, 8,716.36 of 5,000: "reached the limit", no 80 % or 100 % beside it
    await page.goto("/alerts");
    const yusuf = page.getByTestId("alert-list").locator("li").filter({ hasText: "Yusuf Zhang" });
    await expect(yusuf.filter({ hasText: "reached the limit" }).first()).toBeVisible();
    await expect(yusuf.filter({ hasText: "threshold" })).toHaveCount(0);
    await saveScreenshot(page, "demo-alerts-admin");
    await page.context().close();
  });

  test("a group's member table carries a meter of each person's limit", async ({ browser }) => {
    const page = await pageAs(browser, "owner", DESKTOP_WIDTH);
    await page.goto("/groups");
    await page.getByRole("link", { name: "Platform", exact: true }).first().click();
    await page.waitForURL(/\/groups\/[^/?]+$/);
    const eli = page
      .getByTestId("group-members")
      .locator("tr")
      .filter({ has: page.getByRole("link", { name: "Eli Engineer", exact: true }) });
    // 4,012.99 of his 4,800 override: 83.6 %
    const meter = eli.getByRole("meter", { name: "4,012.99 credits used of 4,800.00 credits" });
    await expect(meter).toHaveAttribute("aria-valuenow", "84");
    expect((await meter.boundingBox())!.width).toBeGreaterThanOrEqual(90);
    await eli.scrollIntoViewIfNeeded();
    await saveScreenshot(page, "demo-group-platform", { fullPage: false });
    await page.context().close();
  });
});
