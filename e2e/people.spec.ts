import { expect, test, type Page } from "@playwright/test";

import { DESKTOP_WIDTH, pageAs } from "./roles";
import { saveScreenshot } from "./screenshots";

// Issue 17, people & groups: an owner adds a member, an admin changes their role and deactivates
// them, an admin creates a group with a manager, an owner imports a CSV (a bad file first, then
// a good one); finance reads; an engineer reaches neither screen nor route. Screenshots at 1440
// and 800 px.

const row = (page: Page, email: string) =>
  page.locator(`[data-testid="member-row"][data-email="${email}"]`);

test.describe.serial("people and groups", () => {
  test("the owner adds a member; a bad address is explained next to the field", async ({
    browser,
  }) => {
    const page = await pageAs(browser, "owner", DESKTOP_WIDTH);
    await page.goto("/members");
    await expect(page.getByRole("heading", { name: "Members" })).toBeVisible();
    await expect(page.getByTestId("member-row").first()).toBeVisible();
    await saveScreenshot(page, "members-owner-1440");
    await page.getByRole("button", { name: "Add member" }).click();
    const form = page.getByTestId("add-member-form");
    await form.getByLabel("Email").fill("not-an-email");
    await form.getByLabel("Name").fill("Pat People");
    await form.getByRole("button", { name: "Add member" }).click();
    await expect(form.getByTestId("error-email")).toHaveText(
      "Enter an email address like dana@example.com",
    );
    await form.getByLabel("Email").fill("pat.people@acme.example");
    await form.getByLabel("Role").selectOption("FINANCE");
    await form.getByLabel("Cost center").fill("CC-77");
    await form.getByTestId("add-groups").getByLabel("Platform").check();
    await form.getByRole("button", { name: "Add member" }).click();
    await expect(form).toHaveCount(0);
    await page.goto("/members?q=pat.people");
    const pat = row(page, "pat.people@acme.example");
    await expect(pat).toContainText("Finance");
    await expect(pat).toContainText("CC-77");
    await expect(pat).toContainText("Platform");
    await page.context().close();
  });

  test("an admin changes the member's role (owner is not theirs to give), then deactivates them", async ({
    browser,
  }) => {
    const page = await pageAs(browser, "admin", DESKTOP_WIDTH);
    await page.goto("/members?q=pat.people");
    await page.getByRole("link", { name: "Manage Pat People" }).click();
    const editor = page.getByTestId("member-editor");
    await expect(editor).toBeVisible();
    await expect(editor.getByLabel("Role").locator('option[value="OWNER"]')).toBeDisabled();
    await editor.getByLabel("Role").selectOption("ADMIN");
    await editor.getByRole("button", { name: "Save changes" }).click();
    await expect(editor.getByTestId("member-saved")).toHaveText("Saved.");
    await expect(row(page, "pat.people@acme.example")).toContainText("Admin");
    await saveScreenshot(page, "members-admin-manage-1440");

    await editor.getByRole("button", { name: "Deactivate…" }).click();
    await editor.getByLabel("Reason").fill("left the company");
    await editor.getByRole("button", { name: "Yes, deactivate Pat People" }).click();
    await expect(page.getByText(/Pat People is deactivated: they cannot sign in/)).toBeVisible();
    await page.goto("/members?q=pat.people&status=all");
    await expect(row(page, "pat.people@acme.example")).toHaveAttribute("data-active", "false");
    await expect(row(page, "pat.people@acme.example")).toContainText("Deactivated");
    // the active list no longer shows them
    await page.goto("/members?q=pat.people");
    await expect(row(page, "pat.people@acme.example")).toHaveCount(0);
    await page.context().close();
  });

  test("an admin creates a group with a manager; it shows on the index with its history", async ({
    browser,
  }) => {
    const page = await pageAs(browser, "admin", DESKTOP_WIDTH);
    await page.goto("/groups");
    await page.getByRole("button", { name: "Create group" }).click();
    const form = page.getByTestId("create-group-form");
    await form.getByLabel("Name").fill("Data Platform");
    await form.getByLabel("Cost center").fill("CC-DP");
    // a seeded person who is no demo role: later specs rely on the engineer managing nobody
    await form.getByRole("combobox", { name: "Managers" }).fill("ava.adams@acme.example");
    await form.getByRole("button", { name: "Add", exact: true }).click();
    await expect(form.getByRole("list", { name: "Managers" })).toContainText("Ava Adams");
    await form.getByRole("button", { name: "Create group" }).click();
    const group = page.locator('[data-testid="group-row"][data-name="Data Platform"]');
    await expect(group).toContainText("CC-DP");
    await expect(group).toContainText("Ava Adams");
    await saveScreenshot(page, "groups-admin-1440");
    await group.getByRole("link", { name: "History of Data Platform" }).click();
    await expect(
      page.getByRole("heading", { name: "History of group Data Platform" }),
    ).toBeVisible();
    await expect(page.getByTestId("audit-summary").first()).toHaveText(
      /created group Data Platform \(cost center CC-DP\), managed by Ava Adams/,
    );
    await page.context().close();
  });

  test("the owner imports people: a bad file is refused row by row, a good one is previewed and applied", async ({
    browser,
  }) => {
    const page = await pageAs(browser, "owner", DESKTOP_WIDTH);
    await page.goto("/members");
    await page.getByRole("button", { name: "Import CSV" }).click();
    const bad =
      "email,name,role,cost_center,groups,manages\nquinn@acme.example,Quinn,boss,,,\nnot-an-email,Nobody,,,,\n";
    await page
      .getByTestId("import-file")
      .setInputFiles({ name: "bad.csv", mimeType: "text/csv", buffer: Buffer.from(bad) });
    const errors = page.getByTestId("import-error-row");
    await expect(errors).toHaveText([
      'Row 2 (role): "boss" is not a role: use owner, admin, finance or member',
      "Row 3 (email): Enter an email address like dana@example.com",
    ]);
    const good =
      "email,name,role,cost_center,groups,manages\nquinn@acme.example,Quinn Import,member,CC-5,Imported Team,\nriley@acme.example,Riley Import,finance,CC-5,Imported Team,Imported Team\n";
    await page
      .getByTestId("import-file")
      .setInputFiles({ name: "people.csv", mimeType: "text/csv", buffer: Buffer.from(good) });
    const preview = page.getByTestId("import-preview");
    await expect(preview).toContainText(
      "2 to add, 0 to update, 0 unchanged, 1 new group (Imported Team)",
    );
    await expect(page.getByTestId("import-change")).toHaveCount(2);
    await saveScreenshot(page, "members-import-preview-1440");
    await preview.getByRole("button", { name: "Apply import" }).click();
    await expect(page.getByTestId("import-done")).toHaveText(
      "Imported people.csv: 2 added, 0 updated, 0 unchanged, 1 new groups.",
    );
    await page.goto("/members?q=import");
    await expect(row(page, "riley@acme.example")).toContainText("Imported Team");
    await page.context().close();
  });

  test("finance reads members and groups without controls; at 800 px the tables scroll inside their cards", async ({
    browser,
  }) => {
    const page = await pageAs(browser, "finance", 800);
    await page.goto("/members");
    await expect(page.getByTestId("member-row").first()).toBeVisible();
    await expect(page.getByRole("button", { name: "Add member" })).toHaveCount(0);
    await expect(page.getByRole("link", { name: /^Manage / })).toHaveCount(0);
    const scrollsSideways = await page.evaluate(
      () => document.documentElement.scrollWidth > window.innerWidth + 1,
    );
    expect(scrollsSideways).toBe(false);
    await saveScreenshot(page, "members-finance-800");
    await page.goto("/groups");
    await expect(page.getByTestId("group-row").first()).toBeVisible();
    await expect(page.getByRole("button", { name: "Create group" })).toHaveCount(0);
    await saveScreenshot(page, "groups-finance-800");
    // finance changes nobody through the API either
    expect(
      (
        await page.request.post("/api/members", { data: { email: "x@acme.example", name: "X" } })
      ).status(),
    ).toBe(403);
    await page.context().close();
  });

  test("an engineer reaches neither screen nor the routes", async ({ browser }) => {
    const page = await pageAs(browser, "engineer", DESKTOP_WIDTH);
    for (const path of ["/members", "/groups"]) expect((await page.goto(path))?.status()).toBe(403);
    expect((await page.request.get("/api/members")).status()).toBe(403);
    expect((await page.request.post("/api/groups", { data: { name: "Mine" } })).status()).toBe(403);
    await page.context().close();
  });
});
