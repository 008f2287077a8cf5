import { expect, request, test, type Page } from "@playwright/test";

import { storageStateFor, type RoleName } from "./roles";
import { saveScreenshot } from "./screenshots";

const shot = (page: Page, name: string) => saveScreenshot(page, `analytics-${name}`);

/** Overview → change range and stack → Usage (dimension, filter, sort) → totals agree across screens. */
async function walkOverviewAndUsage(page: Page, role: string) {
  await page.goto("/overview");
  await expect(page.getByTestId("daily-chart")).toBeVisible();
  await page.getByTestId("range-picker").selectOption("30d");
  await expect(page).toHaveURL(/range=30d/);
  await expect(page.getByTestId("period")).toContainText("Last 30 days");
  await page.getByRole("button", { name: "Model", exact: true }).click();
  await expect(page).toHaveURL(/stack=model/);
  await expect(page.getByRole("img", { name: /stacked by model/ })).toBeVisible();
  const spent = (await page.getByTestId("spent-this-period").innerText()).trim();
  await shot(page, `overview-${role}`);

  await page.goto("/usage?range=30d");
  await expect(page.getByTestId("usage-table")).toBeVisible();
  // the same range and scope give the same total on both screens
  await expect(page.getByTestId("usage-total")).toHaveText(spent);
  await page.getByTestId("dimension-picker").selectOption("product");
  await expect(page).toHaveURL(/dimension=product/);
  const requests = page.getByRole("columnheader", { name: /Requests/ });
  await requests.getByRole("button").click();
  await expect(requests).toHaveAttribute("aria-sort", "descending");
  await requests.getByRole("button").click();
  await expect(requests).toHaveAttribute("aria-sort", "ascending");
  await expect(page).toHaveURL(/sort=requests/);
  // multi-select filter on another dimension
  await page.getByTestId("filter-provider").click();
  await page.locator("details[open] input[type=checkbox]").first().check();
  await expect(page).toHaveURL(/provider=/);
  await expect(page.getByRole("list", { name: "Active filters" })).toBeVisible();
  await expect(page.getByTestId("usage-table")).toBeVisible();
  await shot(page, `usage-${role}`);
  // Back returns to the unfiltered view
  await page.goBack();
  await expect(page).not.toHaveURL(/provider=/);
}

for (const role of ["owner", "admin", "finance"] as const) {
  test.describe(role, () => {
    test.use({ storageState: storageStateFor(role) });
    test("walks overview, usage, a member, a group and my usage", async ({ page }) => {
      await walkOverviewAndUsage(page, role);
      await page.goto("/usage?dimension=group");
      await expect(page.getByText(/appears in each group/)).toBeVisible();
      const groupLink = page.getByTestId("usage-table").getByRole("link").first();
      await groupLink.click();
      await expect(page.getByTestId("group-pooled")).toBeVisible();
      await expect(page.getByTestId("group-members")).toBeVisible();
      await shot(page, `group-${role}`);
      await page.getByTestId("group-members").getByRole("link").first().click();
      await expect(page.getByTestId("member-spent")).toBeVisible();
      await expect(page.getByTestId("member-limit-slot")).toBeVisible();
      await shot(page, `member-${role}`);
      await page
        .getByRole("navigation", { name: "Main" })
        .first()
        .getByRole("link", { name: "My budget" })
        .click();
      await expect(page.getByRole("heading", { name: "My budget" })).toBeVisible();
      await shot(page, `me-${role}`);
    });
  });
}

test.describe("manager", () => {
  test.use({ storageState: storageStateFor("manager") });
  test("sees their groups only, walks to a managed group and a member", async ({ page }) => {
    await walkOverviewAndUsage(page, "manager");
    await page.goto("/usage?dimension=group");
    await page.getByTestId("usage-table").getByRole("link", { name: "Platform" }).click();
    await expect(page.getByRole("heading", { name: "Platform" })).toBeVisible();
    await shot(page, "group-manager");
    await page.getByTestId("group-members").getByRole("link").first().click();
    await expect(page.getByTestId("member-spent")).toBeVisible();
    // a group they don't manage is not found
    const other = await someGroupNotNamed(["Platform", "Mobile"]);
    expect((await page.goto(`/groups/${other}`))?.status()).toBe(404);
    expect((await page.request.get(`/api/groups/${other}`)).status()).toBe(404);
  });
});

test.describe("engineer", () => {
  test.use({ storageState: storageStateFor("engineer") });
  test("sees only themselves, and My budget links to requests", async ({ page }) => {
    await page.goto("/usage");
    await expect(page.getByTestId("usage-table").locator("tbody tr")).toHaveCount(1);
    await expect(page.getByTestId("usage-table")).toContainText("Eli Engineer");
    await shot(page, "usage-engineer");
    await page.goto("/me");
    await expect(page.getByTestId("my-spent")).not.toHaveText(/^0\.00 credits$|^\$0\.00$/);
    await expect(page.getByTestId("request-more")).toHaveAttribute(
      "href",
      "/requests#request-form",
    );
    await shot(page, "me-engineer");
    const group = await someGroupNotNamed([]);
    expect((await page.goto(`/groups/${group}`))?.status()).toBe(404);
    const api = await page.request.get("/api/usage?dimension=member&range=90d");
    const body = (await api.json()) as { rows: { label: string }[] };
    expect(body.rows.map((r) => r.label)).toEqual(["Eli Engineer"]);
  });
});

test.describe("CSV export", () => {
  test.use({ storageState: storageStateFor("finance") });
  test("exports the current view with exact decimals and a total row", async ({ page }) => {
    const res = await page.request.get("/api/usage/export?dimension=product&range=30d");
    expect(res.status()).toBe(200);
    expect(res.headers()["content-type"]).toContain("text/csv");
    const lines = (await res.text()).trim().split("\n");
    expect(lines[0]).toContain("Product,key,range_start,range_end,amount,unit");
    expect(lines.at(-1)).toMatch(/^Total \(each usage row once\),/);
    expect(lines.length).toBeGreaterThan(2);
    expect(lines[1]).toMatch(/,\d+\.\d{6},(CREDITS|USD),/);
  });
});

test.describe("tenant separation", () => {
  test.use({ storageState: storageStateFor("ciAdmin") });
  test("another workspace's group answers 404", async ({ page }) => {
    const group = await someGroupNotNamed([]);
    expect((await page.goto(`/groups/${group}`))?.status()).toBe(404);
  });
});

async function someGroupNotNamed(names: string[], role: RoleName = "owner"): Promise<string> {
  const context = await request.newContext({
    baseURL: test.info().project.use.baseURL,
    storageState: storageStateFor(role),
  });
  const body = (await (
    await context.get("/api/usage?dimension=group&range=90d&pageSize=200")
  ).json()) as { rows: { key: string; label: string; href: string | null }[] };
  await context.dispose();
  const row = body.rows.find((r) => r.href && !names.includes(r.label));
  expect(row).toBeTruthy();
  return row!.key;
}
