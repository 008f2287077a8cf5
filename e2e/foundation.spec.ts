import { expect, request, test, type Page } from "@playwright/test";

import { storageStateFor, type RoleName } from "./roles";
import { saveScreenshot } from "./screenshots";

const NAV: Record<Exclude<RoleName, "ciAdmin">, string[]> = {
  owner: [
    "Overview",
    "Usage",
    "My budget",
    "Outcomes",
    "Limits",
    "Requests",
    "Members",
    "Exports",
    "Alerts",
    "Connections",
    "Enforcement",
    "Audit",
    "Settings",
  ],
  admin: [
    "Overview",
    "Usage",
    "My budget",
    "Outcomes",
    "Limits",
    "Requests",
    "Members",
    "Exports",
    "Alerts",
    "Audit",
  ],
  finance: [
    "Overview",
    "Usage",
    "My budget",
    "Outcomes",
    "Limits",
    "Requests",
    "Members",
    "Exports",
    "Alerts",
    "Audit",
  ],
  manager: ["Overview", "Usage", "My budget", "Outcomes", "Limits", "Requests", "Members"],
  engineer: ["Overview", "Usage", "My budget", "Requests"],
};

async function navLabels(page: Page) {
  return page.getByRole("navigation", { name: "Main" }).first().getByRole("link").allInnerTexts();
}

for (const role of Object.keys(NAV) as (keyof typeof NAV)[]) {
  test.describe(`${role}`, () => {
    test.use({ storageState: storageStateFor(role) });

    test(`sees the navigation for the role and an Overview chart with data`, async ({
      page,
    }, testInfo) => {
      await page.goto("/overview");
      expect(await navLabels(page)).toEqual(NAV[role]);
      const chart = page.getByTestId("daily-chart");
      await expect(chart).toBeVisible();
      await expect(chart.locator(".recharts-bar-rectangle path").first()).toBeVisible();
      await expect(page.getByTestId("spent-this-period")).not.toHaveText(/^0\.00|\$0\.00$/);
      await saveScreenshot(page, `overview-${role}`, { attachTo: testInfo });
    });
  });
}

test.describe("scope of the overview", () => {
  test.use({ storageState: storageStateFor("engineer") });
  test("an engineer sees only their own usage", async ({ page }) => {
    await page.goto("/overview");
    await expect(page.getByText("Your usage: Eli Engineer")).toBeVisible();
    await expect(page.getByText("Top spenders this period")).toHaveCount(0);
  });
});

test.describe("manager scope", () => {
  test.use({ storageState: storageStateFor("manager") });
  test("a manager sees their groups", async ({ page }) => {
    await page.goto("/overview");
    await expect(page.getByText(/Your groups: .*Platform/)).toBeVisible();
  });
});

test.describe("an engineer cannot reach admin screens", () => {
  test.use({ storageState: storageStateFor("engineer") });

  for (const path of ["/connections", "/audit", "/settings", "/exports", "/limits"]) {
    test(`${path} answers a 403 page`, async ({ page }) => {
      const res = await page.goto(path);
      expect(res?.status()).toBe(403);
      await expect(
        page.getByRole("heading", { name: "You don't have access to this page" }),
      ).toBeVisible();
    });
  }

  test("route handlers answer 403 and 404 too", async ({ page, playwright }) => {
    await page.goto("/overview");
    const audit = await page.request.get("/api/audit");
    expect(audit.status()).toBe(403);
    // another member's page: 404, never a hint that it exists
    const owner = await ownerIdFromEngineering();
    const res = await page.goto(`/members/${owner}`);
    expect(res?.status()).toBe(404);
    const api = await page.request.get(`/api/members/${owner}`);
    expect(api.status()).toBe(404);
    // signed out: 401
    const anonymousContext = await playwright.request.newContext({
      baseURL: test.info().project.use.baseURL,
      storageState: { cookies: [], origins: [] },
    });
    expect((await anonymousContext.get("/api/overview")).status()).toBe(401);
    await anonymousContext.dispose();
  });
});

test.describe("tenant separation", () => {
  test.use({ storageState: storageStateFor("ciAdmin") });
  test("an admin of Acme CI cannot see Acme Engineering members", async ({ page }) => {
    await page.goto("/overview");
    await expect(page.getByTestId("workspace-name")).toHaveText("Acme CI");
    const res = await page.goto(`/members/${await ownerIdFromEngineering()}`);
    expect(res?.status()).toBe(404);
  });
});

async function ownerIdFromEngineering(): Promise<string> {
  const context = await request.newContext({
    baseURL: test.info().project.use.baseURL,
    storageState: storageStateFor("owner"),
  });
  const me = (await (await context.get("/api/me")).json()) as { memberId: string; email: string };
  await context.dispose();
  expect(me.email).toBe("owner@acme.example");
  return me.memberId;
}

test.describe("demo sign-in at any address of the machine", () => {
  // The server listens on 127.0.0.1 and the suite browses it as 127.0.0.1; a person who opens
  // http://localhost:<port> instead must land signed in, not back on the sign-in page.
  test("signing in at localhost stays on localhost and is signed in", async ({ browser }) => {
    const base = new URL(test.info().project.use.baseURL!);
    const other = `http://localhost:${base.port}`;
    const context = await browser.newContext({
      baseURL: other,
      storageState: { cookies: [], origins: [] },
    });
    const page = await context.newPage();
    await page.goto("/signin");
    await page.getByTestId("demo-signin-engineer@acme.example").click();
    await page.waitForURL(`${other}/me`); // the engineer's landing page
    await expect(page.getByTestId("user-role")).toBeVisible();
    const me = (await (await page.request.get("/api/me")).json()) as { email: string };
    expect(me.email).toBe("engineer@acme.example");
    await context.close();
  });
});

test.describe("sign-out ends the session on the server", () => {
  test("a copy of the session cookie taken before sign-out no longer works after it", async ({
    browser,
  }) => {
    const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
    const page = await context.newPage();
    await page.goto("/signin");
    await page.getByTestId("demo-signin-engineer@acme.example").click();
    await page.waitForURL("**/me");
    const stolen = await context.storageState();
    expect((await page.request.get("/api/me")).status()).toBe(200);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL("**/signin**");
    await context.close();

    // the cookie copied before sign-out has not expired, but the server ended its session
    const replay = await browser.newContext({ storageState: stolen });
    const again = await replay.newPage();
    expect((await again.request.get("/api/me")).status()).toBe(401);
    await again.goto("/overview");
    await expect(again).toHaveURL(/\/signin/);
    await replay.close();
  });
});
