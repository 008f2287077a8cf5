import { expect, test, type Page } from "@playwright/test";

import { pageAs } from "./roles";
import { saveScreenshot } from "./screenshots";

// Issue 17 "Global search": a search box in the shell finds people (by name or email) and
// groups; `/` or Ctrl+K reach it from any page, the arrow keys and Enter open a result. What it
// finds is the viewer's scope: the owner everyone, a group manager only the people and groups
// they manage; an engineer, who sees only their own spend, has no search box. Read-only.

type Row = { id: string; name: string; email: string; groups: { name: string }[] };

async function members(page: Page, q = ""): Promise<Row[]> {
  const res = await page.request.get(`/api/members${q ? `?q=${encodeURIComponent(q)}` : ""}`);
  expect(res.status()).toBe(200);
  return ((await res.json()) as { rows: Row[] }).rows;
}

/** A name as a pattern that matches it literally (earlier journeys add people named like formulas). */
const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

const search = (page: Page) => page.getByRole("combobox", { name: "Search people and groups" });
/** The `/` and Ctrl+K shortcuts listen once the shell has hydrated (a key pressed earlier is lost). */
async function shortcutsReady(page: Page): Promise<void> {
  await expect(search(page)).toHaveAttribute("data-shortcuts", "on");
}
const results = (page: Page) => page.getByRole("listbox", { name: "Search results" });

test.describe.serial("global search", () => {
  let outsider: Row; // someone in none of the manager's groups
  let insider: Row; // someone in one of them

  test.beforeAll(async ({ browser }) => {
    const manager = await pageAs(browser, "manager");
    const managed = await members(manager);
    await manager.context().close();
    const owner = await pageAs(browser, "owner");
    const everyone = await members(owner);
    await owner.context().close();
    const mine = new Set(managed.map((m) => m.id));
    outsider = everyone.find((m) => !mine.has(m.id) && m.groups.length > 0)!;
    insider = managed.find((m) => m.email !== "manager@acme.example")!;
    expect(outsider).toBeDefined();
    expect(insider).toBeDefined();
  });

  test("owner: `/` focuses the box, a person is found by email and opened with Enter", async ({
    browser,
  }) => {
    const page = await pageAs(browser, "owner");
    await page.goto("/overview");
    await expect(page.getByRole("heading", { level: 1, name: "Overview" })).toBeVisible();
    await shortcutsReady(page);
    await page.locator("body").press("/");
    await expect(search(page)).toBeFocused();
    await page.keyboard.type(outsider.email);
    const option = results(page).getByRole("option", { name: new RegExp(literal(outsider.name)) });
    await expect(option).toBeVisible();
    await expect(option).toHaveAttribute("aria-selected", "true");
    await expect(search(page)).toHaveAttribute("aria-expanded", "true");
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(new RegExp(`/members/${outsider.id}$`));
    await expect(page.getByRole("heading", { level: 1, name: outsider.name })).toBeVisible();
    await page.context().close();
  });

  test("owner: Ctrl+K from a table page, a group by part of its name, arrows choose it", async ({
    browser,
  }) => {
    const page = await pageAs(browser, "owner");
    await page.goto("/usage");
    await expect(page.locator("tbody tr").first()).toBeVisible();
    await shortcutsReady(page);
    await page.keyboard.press("Control+k");
    await expect(search(page)).toBeFocused();
    await page.keyboard.type("platf");
    const group = results(page).getByRole("group", { name: "Groups" });
    await expect(group.getByRole("option", { name: /^Platform/ })).toBeVisible();
    // the people first, then the groups: ↑ from the first result wraps to the last (a group)
    await page.keyboard.press("ArrowUp");
    const last = results(page).getByRole("option").last();
    await expect(last).toHaveAttribute("aria-selected", "true");
    const label = (await last.locator("span").first().textContent())!;
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/\/groups\/[^/]+$/);
    await expect(page.getByRole("heading", { level: 1, name: label })).toBeVisible();
    // Escape closes the list, a second one clears the text
    await search(page).fill("zzzz-nobody-by-this-name");
    await expect(page.locator(`[data-testid="search-results"]:visible`)).toContainText(
      "Nobody and no group matches “zzzz-nobody-by-this-name”",
    );
    await search(page).press("Escape");
    await expect(results(page)).toBeHidden();
    await search(page).press("Escape");
    await expect(search(page)).toHaveValue("");
    await page.context().close();
  });

  test("the box shows the `/` hint while empty and a clear button with text, at 1440 and 800 px", async ({
    browser,
  }) => {
    const page = await pageAs(browser, "owner");
    for (const width of [1440, 800]) {
      await page.setViewportSize({ width, height: 700 });
      await page.goto("/overview");
      await expect(page.getByRole("heading", { level: 1, name: "Overview" })).toBeVisible();
      const box = page.locator('[data-testid="global-search"]:visible');
      const clear = box.getByRole("button", { name: "Clear search" });
      await expect(box.locator("kbd")).toHaveText("/");
      await expect(clear).toHaveCount(0);
      await search(page).filter({ visible: true }).fill("platf");
      await expect(box.locator("kbd")).toHaveCount(0);
      await expect(clear).toBeVisible();
      await expect(
        results(page).filter({ visible: true }).getByRole("option").first(),
      ).toBeVisible();
      await saveScreenshot(page, `search-${width}-text`, { fullPage: false });
      await clear.click();
      await expect(search(page).filter({ visible: true })).toHaveValue("");
      await expect(search(page).filter({ visible: true })).toBeFocused();
      await expect(box.locator("kbd")).toHaveText("/");
      await saveScreenshot(page, `search-${width}-empty`, { fullPage: false });
    }
    await page.context().close();
  });

  test("manager: finds the people and groups they manage, nobody else", async ({ browser }) => {
    const page = await pageAs(browser, "manager");
    await page.goto("/overview");
    await search(page).fill(insider.email);
    await expect(
      results(page).getByRole("option", { name: new RegExp(literal(insider.name)) }),
    ).toBeVisible();
    await search(page).fill(outsider.email);
    await expect(page.locator(`[data-testid="search-results"]:visible`)).toContainText(
      `Nobody and no group matches “${outsider.email}”`,
    );
    // the server answers the same: the scope is decided there, not in the box
    const api = async (q: string) =>
      (await (await page.request.get(`/api/search?q=${encodeURIComponent(q)}`)).json()) as {
        members: { id: string }[];
        groups: { label: string }[];
      };
    expect((await api(outsider.email)).members).toEqual([]);
    expect((await api(insider.email)).members.map((m) => m.id)).toEqual([insider.id]);
    expect((await api("platform")).groups.map((g) => g.label)).toEqual(["Platform"]);
    expect((await api("mobile")).groups.map((g) => g.label)).toEqual(["Mobile"]);
    // an outsider's group is not found by its name either
    const foreign = outsider.groups[0]!.name;
    if (!["Mobile", "Platform"].includes(foreign)) expect((await api(foreign)).groups).toEqual([]);
    await page.context().close();
  });

  test("engineer: no search box; the route finds only themselves", async ({ browser }) => {
    const page = await pageAs(browser, "engineer");
    await page.goto("/me");
    await expect(page.getByRole("heading", { level: 1, name: "My budget" })).toBeVisible();
    await expect(search(page)).toHaveCount(0);
    const res = await page.request.get(`/api/search?q=${encodeURIComponent(outsider.email)}`);
    expect(res.status()).toBe(200);
    expect(((await res.json()) as { members: unknown[] }).members).toEqual([]);
    const self = (await (await page.request.get("/api/search?q=engineer@acme")).json()) as {
      members: { sublabel: string }[];
      groups: unknown[];
    };
    expect(self.members.map((m) => m.sublabel)).toEqual(["engineer@acme.example"]);
    expect(self.groups).toEqual([]);
    await page.context().close();
  });

  test("the route names what is wrong with the query", async ({ browser }) => {
    const page = await pageAs(browser, "owner");
    for (const q of ["", "?q=", "?q=%20%20", `?q=${"x".repeat(101)}`]) {
      const res = await page.request.get(`/api/search${q}`);
      expect(res.status()).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(/^Invalid q: /);
    }
    await page.context().close();
  });
});
