import { expect, test } from "@playwright/test";

import { runFixtureScript } from "./fixtures/run-fixture";
import { storageStateFor } from "./roles";
import { saveScreenshot } from "./screenshots";

// Issue 17, onboarding and safety: the owner's getting-started checklist (state from the
// database, links, hide and show again), the notification bell (count, keyboard, opens the
// object and marks it read), revoking a token only after a confirmation (and copying a new
// one), and a File import connection the journey makes itself: a good upload, a bad one
// refused naming row and column, then archived after a confirmation. Everything it makes it
// removes, revokes or archives again: later journeys see the seeded workspace.

function fixture<T>(...args: string[]): T {
  return runFixtureScript<T>("e2e/fixtures/onboarding-fixture.ts", ...args);
}

interface Onboarding {
  steps: { id: string; done: boolean; href: string; action: string }[];
  doneCount: number;
  complete: boolean;
  dismissed: boolean;
}

test.describe("onboarding and safety, as the owner", () => {
  test.use({ storageState: storageStateFor("owner") });
  let notificationId = "";

  test.beforeAll(() => {
    notificationId = fixture<{ notificationId: string }>("setup").notificationId;
  });
  test.afterAll(() => {
    if (notificationId) fixture("cleanup", notificationId);
  });

  test("the checklist shows each step as the database says, links to it, hides and comes back", async ({
    page,
  }) => {
    const res = await page.request.get("/api/onboarding");
    expect(res.status()).toBe(200);
    const state = (await res.json()) as Onboarding;
    // the e2e seed: the simulator is connected and its identities are not all mapped; whether
    // a default or group limits exist depends on the journeys before this one, so the walk
    // takes the first step still to do
    expect(state.steps.find((s) => s.id === "connect")?.done).toBe(true);
    expect(state.steps.find((s) => s.id === "identities")?.done).toBe(false);
    expect(state).toMatchObject({ complete: false, dismissed: false });
    const todo = state.steps.find((s) => !s.done)!;

    await page.goto("/overview");
    const card = page.getByTestId("onboarding");
    await expect(card.getByRole("heading", { name: "Get your workspace ready" })).toBeVisible();
    await expect(page.getByTestId("onboarding-progress")).toContainText(
      `${state.doneCount} of 6 steps done`,
    );
    for (const s of state.steps)
      await expect(card.getByTestId(`onboarding-step-${s.id}`)).toHaveAttribute(
        "data-done",
        String(s.done),
      );
    // a step that is done offers no link; one that is not leads to where it is done
    await expect(card.getByTestId("onboarding-step-connect").getByRole("link")).toHaveCount(0);
    await card
      .getByTestId(`onboarding-step-${todo.id}`)
      .getByRole("link", { name: todo.action })
      .click();
    await expect(page).toHaveURL((url) => `${url.pathname}${url.hash}` === todo.href);

    // hidden from Overview, kept under Settings → Getting started, shown again from there
    await page.goto("/overview");
    await card.getByRole("button", { name: "Hide from Overview" }).click();
    await expect(card).toHaveCount(0);
    await page.goto("/settings");
    await page.getByRole("link", { name: "Getting started checklist" }).click();
    await expect(page.getByRole("heading", { name: "Getting started", level: 1 })).toBeVisible();
    await expect(page.getByTestId(`onboarding-step-${todo.id}`)).toHaveAttribute(
      "data-done",
      "false",
    );
    await page.getByRole("button", { name: "Show on Overview" }).click();
    await expect(page.getByRole("button", { name: "Hide from Overview" })).toBeVisible();
    await page.goto("/overview");
    await expect(card).toBeVisible();
  });

  test("the bell counts unread notifications, works from the keyboard and opens the object", async ({
    page,
  }) => {
    const before = (
      (await (await page.request.get("/api/notifications")).json()) as {
        unread: number;
      }
    ).unread;
    expect(before).toBeGreaterThanOrEqual(1); // the fixture's, at least
    await page.setViewportSize({ width: 1440, height: 1000 });
    await page.goto("/overview");
    const bell = page.getByRole("button", { name: /^Notifications/ });
    await expect(bell).toHaveAccessibleName(`Notifications, ${before} unread`);

    // menu button pattern: Enter opens on the first item, ↓ moves, Escape closes onto the button
    await bell.focus();
    await page.keyboard.press("Enter");
    const menu = page.getByRole("menu", { name: "Unread notifications" });
    await expect(menu).toBeVisible();
    const items = menu.getByRole("menuitem");
    await expect(items.first()).toBeFocused();
    await page.keyboard.press("ArrowDown");
    await expect(items.nth(1)).toBeFocused();
    await page.keyboard.press("End");
    await expect(items.last()).toHaveText("All notifications");
    await expect(items.last()).toBeFocused();
    await page.keyboard.press("Escape");
    await expect(menu).toHaveCount(0);
    await expect(bell).toBeFocused();

    await bell.click();
    await expect(menu.getByRole("menuitem", { name: /E2E bell/ })).toBeVisible();
    await saveScreenshot(page, "onboarding-overview-bell-1440");

    await menu.getByRole("menuitem", { name: /E2E bell/ }).click();
    await expect(page).toHaveURL(/\/alerts$/);
    const after = before - 1;
    await expect(bell).toHaveAccessibleName(
      after > 0 ? `Notifications, ${after} unread` : "Notifications",
    );

    // 800 px: the bell sits in the folded header beside the menu button
    await page.setViewportSize({ width: 800, height: 1000 });
    await page.goto("/overview");
    await page.getByRole("button", { name: /^Notifications/ }).click();
    await expect(page.getByRole("menu", { name: "Unread notifications" })).toBeVisible();
    await saveScreenshot(page, "onboarding-overview-bell-800");
  });

  test("a token is revoked only after a confirmation, then leaves the list; a new one can be copied", async ({
    page,
    context,
  }) => {
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    const name = `e2e-onboarding-${Date.now().toString(36)}`;
    await page.goto("/settings");
    await page.getByLabel("Token name").fill(name);
    await page.getByRole("button", { name: "Create token" }).click();
    const token = (await page.getByTestId("new-token").innerText()).trim();
    await page.getByRole("button", { name: "Copy token" }).click();
    await expect(page.getByRole("button", { name: "Copied" })).toBeVisible();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);

    const row = page.getByTestId(`token-${name}`);
    await row.getByRole("button", { name: "Revoke" }).click();
    const dialog = page.getByRole("dialog");
    await expect(dialog).toContainText(`Revoke the token "${name}"?`);
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(dialog).toBeHidden();
    await expect(row).toBeVisible();
    const auth = { authorization: `Bearer ${token}` };
    const check = "/api/v1/budget-check?member=engineer@acme.example";
    expect((await page.request.get(check, { headers: auth })).status()).toBe(200);

    await row.getByRole("button", { name: "Revoke" }).click();
    await dialog.getByRole("button", { name: "Revoke token" }).click();
    await expect(row).toHaveCount(0);
    expect((await page.request.get(check, { headers: auth })).status()).toBe(401);
    await page.getByLabel(/Show revoked tokens/).check();
    await expect(row).toContainText("revoked");
  });

  test("a File import connection takes a good file, refuses a bad one naming row and column, and is archived", async ({
    page,
  }) => {
    const name = `File e2e ${Date.now().toString(36)}`;
    await page.goto("/connections");
    await page.getByLabel("Provider").selectOption("file");
    await page.getByLabel("Name", { exact: true }).fill(name);
    await page.getByRole("button", { name: "Add connection" }).click();
    const item = page.getByTestId(`connection-${name}`);
    await expect(item).toBeVisible();

    // a zero-cost row long before any period the journeys look at: nothing later specs would see
    const upload = item.getByLabel(`Upload a usage file to ${name}`);
    await upload.setInputFiles({
      name: "usage.csv",
      mimeType: "text/csv",
      buffer: Buffer.from("day,provider,product,model,cost_usd\n2019-01-02,openai,api,,0.00\n"),
    });
    await expect(item.getByTestId("upload-result")).toContainText(
      "Imported usage.csv: 1 row(s) over 1 day(s), 2019-01-02 → 2019-01-02",
    );
    await upload.setInputFiles({
      name: "bad.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(
        "day,provider,product,model,cost_usd\n2019-01-03,openai,api,,0.00\n2019-01-04,openai,api,,ten\n",
      ),
    });
    await expect(item.getByTestId("upload-result")).toHaveText(
      "bad.csv: row 3, column cost_usd: expected a decimal number",
    );
    const listed = (await (await page.request.get("/api/connections")).json()) as {
      connections: { id: string; name: string }[];
      runs: { connectionId: string; windowStart: string }[];
    };
    const id = listed.connections.find((c) => c.name === name)!.id;
    // the bad file wrote nothing: one run, the good one
    expect(listed.runs.filter((r) => r.connectionId === id).map((r) => r.windowStart)).toEqual([
      "2019-01-02",
    ]);

    await item.getByRole("button", { name: "Archive" }).click();
    const dialog = page.getByRole("dialog");
    await expect(dialog).toContainText(`Archive ${name}?`);
    await dialog.getByRole("button", { name: "Archive connection" }).click();
    await expect(item).toHaveCount(0);
    const after = (await (await page.request.get("/api/connections")).json()) as typeof listed;
    expect(after.connections.some((c) => c.id === id)).toBe(false);
    // its history stays
    expect(after.runs.some((r) => r.connectionId === id)).toBe(true);
  });
});

test.describe("onboarding is for owners and admins", () => {
  test.use({ storageState: storageStateFor("engineer") });

  test("an engineer sees no checklist and cannot read or hide it", async ({ page }) => {
    await page.goto("/overview");
    await expect(page.getByRole("button", { name: /^Notifications/ })).toBeVisible();
    await expect(page.getByTestId("onboarding")).toHaveCount(0);
    expect((await page.request.get("/api/onboarding")).status()).toBe(403);
    expect(
      (await page.request.patch("/api/onboarding", { data: { dismissed: true } })).status(),
    ).toBe(403);
  });
});
