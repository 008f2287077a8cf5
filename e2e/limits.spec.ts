import { expect, test, type Browser } from "@playwright/test";

import { daysAfterNow, e2eDay, resetServerClock, setServerClock } from "./clock";
import { limitsMemberRow } from "./limits-rows";
import { pageAs } from "./roles";
import { saveScreenshot } from "./screenshots";

// Issue 5 "Done when": default 500 (owner) → group Platform 800 and an override of 1,200 for
// the engineer until a date (admin) → the engineer's page and the check API show 1,200 with
// its reason → past the expiry (server clock file) they show 800 with the group reason →
// a second admin's stale edit is refused → an engineer reaches no editor and no route handler.

const expiry = e2eDay(10);

/** Creates an API token by clicking through Settings as the owner; returns the token shown once. */
export async function createTokenViaSettings(
  browser: Browser,
  name: string,
  scopes: string[],
): Promise<string> {
  const owner = await pageAs(browser, "owner");
  await owner.goto("/settings");
  await owner.getByLabel("Token name").fill(name);
  for (const s of ["budget:check", "costs:read", "requests:decide"]) {
    const box = owner.locator("label", { hasText: s }).getByRole("checkbox");
    if ((await box.isChecked()) !== scopes.includes(s)) await box.click();
  }
  await owner.getByRole("button", { name: "Create token" }).click();
  const token = (await owner.getByTestId("new-token").innerText()).trim();
  await expect(owner.getByTestId(`token-${name}`)).toBeVisible();
  await owner.context().close();
  return token;
}

test.describe.serial("limits: default, group, override, expiry, stale edit", () => {
  let token = "";

  test.beforeAll(() => resetServerClock());
  test.afterAll(() => resetServerClock());

  test("the owner sets a workspace default of 500 credits", async ({ browser }) => {
    const page = await pageAs(browser, "owner");
    await page.goto("/limits");
    await page.getByTestId("set-default").click();
    const editor = page.getByTestId("policy-editor");
    await editor.locator('input[name="amount"]').fill("500");
    await editor.getByRole("button", { name: "Save limit" }).click();
    await expect(page.getByTestId("stat-default")).toHaveText("500.00 credits");
    await page.context().close();
  });

  test("an admin sets Platform to 800 and an override of 1,200 for the engineer", async ({
    browser,
  }) => {
    const page = await pageAs(browser, "admin");
    await page.goto("/limits");
    // the workspace default is the owner's: no edit control for an admin
    await expect(page.getByTestId("set-default")).toHaveCount(0);
    await expect(
      page.getByTestId("policy-workspace-Workspace").getByTestId("edit-policy"),
    ).toHaveCount(0);
    await page.getByTestId("new-group-limit").selectOption({ label: "Platform" });
    let editor = page.getByTestId("policy-editor");
    await editor.locator('input[name="amount"]').fill("800");
    await editor.getByRole("button", { name: "Save limit" }).click();
    await expect(page.getByTestId("policy-group-Platform").getByTestId("policy-amount")).toHaveText(
      "800.00 credits per member",
    );

    await page.getByTestId("filter-all").click();
    await page.getByTestId("member-filter").fill("engineer@acme.example");
    const row = limitsMemberRow(page, "engineer@acme.example");
    // the list from before stays while the search loads, marked as updating; then the server's
    // answer (one row): a person acts on what they searched for
    const table = page.getByTestId("members-table");
    await expect(table).toHaveAttribute("aria-busy", "true");
    await expect(page.getByTestId("members-updating")).toHaveText("Updating…");
    await expect(table).toHaveAttribute("aria-busy", "false");
    await expect(page.getByTestId("members-updating")).toHaveText("");
    await expect(page.locator('[data-testid^="member-row-"]')).toHaveCount(1);
    await expect(row.getByTestId("member-reason")).toHaveText(/^group Platform/);
    await row.getByTestId("add-override").click();
    editor = page.getByTestId("policy-editor");
    await editor.locator('input[name="amount"]').fill("1200");
    await editor.locator('input[name="expiresOn"]').fill(expiry);
    await editor.locator('input[name="note"]').fill("migration sprint");
    await editor.getByRole("button", { name: "Save limit" }).click();
    await expect(row.getByTestId("member-limit")).toHaveText("1,200.00 credits");
    await expect(row.getByTestId("member-reason")).toHaveText(
      `individual override until ${expiry} — migration sprint`,
    );
    await saveScreenshot(page, "limits-admin");
    await page.context().close();
  });

  test("the engineer's page and the budget-check API show 1,200 with its reason", async ({
    browser,
  }) => {
    token = await createTokenViaSettings(browser, `gateway-${Date.now()}`, ["budget:check"]);
    const page = await pageAs(browser, "engineer");
    await page.goto("/requests");
    await expect(page.getByTestId("my-limit")).toHaveText("1,200.00 credits");
    await expect(page.getByTestId("my-limit-reason")).toHaveText(
      `individual override until ${expiry} — migration sprint`,
    );
    await saveScreenshot(page, "limits-engineer");
    // My budget, reached from the navigation, shows the same limit and reason next to the request action
    await page
      .getByRole("navigation", { name: "Main" })
      .first()
      .getByRole("link", { name: "My budget" })
      .click();
    const mine = page.getByTestId("member-limit");
    await expect(mine.getByTestId("my-limit")).toHaveText("1,200.00 credits");
    await expect(mine.getByTestId("my-limit-reason")).toHaveText(
      `individual override until ${expiry} — migration sprint`,
    );
    await expect(mine.getByTestId("limit-state")).toBeVisible();
    await expect(mine.getByTestId("limit-policy-line")).toContainText(
      "soft threshold 80% = 960.00 credits",
    );
    await expect(mine.getByTestId("request-more")).toHaveAttribute(
      "href",
      "/requests#request-form",
    );
    await saveScreenshot(page, "me-engineer-override");
    const res = await page.request.get(
      "/api/v1/budget-check?member=engineer@acme.example&product=codex",
      { headers: { authorization: `Bearer ${token}` } },
    );
    expect(res.status()).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({
      limit: "1200.000000",
      reason: `individual override until ${expiry} — migration sprint`,
      action: "BLOCK",
    });
    expect(typeof body.allowed).toBe("boolean");
    expect(body.periodEnd).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    // unknown person: the workspace default, said so
    const unknown = await (
      await page.request.get("/api/v1/budget-check?member=nobody@else.example", {
        headers: { authorization: `Bearer ${token}` },
      })
    ).json();
    expect(unknown).toMatchObject({
      limit: "500.000000",
      reason: "unknown member: workspace default applies",
      member: null,
    });
    // no token / a bad token / a missing scope
    expect(
      (await page.request.get("/api/v1/budget-check?member=engineer@acme.example")).status(),
    ).toBe(401);
    expect(
      (
        await page.request.get("/api/v1/budget-check?member=x", {
          headers: { authorization: "Bearer alm_nope" },
        })
      ).status(),
    ).toBe(401);
    expect(
      (
        await page.request.get("/api/v1/credit-requests", {
          headers: { authorization: `Bearer ${token}` },
        })
      ).status(),
    ).toBe(403);
    await page.context().close();
  });

  test("the engineer's member page shows the override with its reason, reached from the Limits screen", async ({
    browser,
  }) => {
    const page = await pageAs(browser, "admin");
    await page.goto("/limits");
    await page.getByTestId("filter-all").click();
    await page.getByTestId("member-filter").fill("engineer@acme.example");
    await limitsMemberRow(page, "engineer@acme.example")
      .getByRole("link", { name: "Eli Engineer" })
      .click();
    const panel = page.getByTestId("member-limit");
    await expect(panel.getByTestId("my-limit")).toHaveText("1,200.00 credits");
    await expect(panel.getByTestId("my-limit-reason")).toHaveText(
      `individual override until ${expiry} — migration sprint`,
    );
    await expect(panel).toContainText("Limit this period");
    // the request action is the member's own, not an admin's
    await expect(panel.getByTestId("request-more")).toHaveCount(0);
    await saveScreenshot(page, "member-engineer-override");
    // the group page shows the same limit in the engineer's row
    await page.getByRole("link", { name: "Platform" }).first().click();
    const row = page
      .getByTestId("group-members")
      .locator("tr")
      .filter({ has: page.getByRole("link", { name: "Eli Engineer", exact: true }) });
    await expect(row.getByTestId("group-member-limit")).toContainText("1,200.00 credits");
    await expect(row.getByTestId("group-member-limit-reason")).toHaveText(
      `individual override until ${expiry} — migration sprint`,
    );
    await saveScreenshot(page, "group-platform-limits");
    await page.context().close();
  });

  test("past the expiry they show 800 with the group reason", async ({ browser }) => {
    setServerClock(daysAfterNow(12));
    try {
      const page = await pageAs(browser, "engineer");
      await page.goto("/requests");
      await expect(page.getByTestId("my-limit")).toHaveText("800.00 credits");
      await expect(page.getByTestId("my-limit-reason")).toHaveText("group Platform");
      await page.goto("/me");
      await expect(page.getByTestId("member-limit").getByTestId("my-limit")).toHaveText(
        "800.00 credits",
      );
      // My budget names the source once: the reason adds nothing to "group Platform"
      await expect(page.getByTestId("member-limit").getByTestId("limit-source")).toHaveText(
        "group Platform",
      );
      await expect(page.getByTestId("member-limit").getByTestId("my-limit-reason")).toHaveCount(0);
      const body = await (
        await page.request.get("/api/v1/budget-check?member=engineer@acme.example", {
          headers: { authorization: `Bearer ${token}` },
        })
      ).json();
      expect(body).toMatchObject({ limit: "800.000000", reason: "group Platform" });
      await page.context().close();
    } finally {
      resetServerClock();
    }
  });

  test("a second admin's stale edit is refused, never silently overwritten", async ({
    browser,
  }) => {
    const first = await pageAs(browser, "admin");
    const second = await pageAs(browser, "admin");
    for (const p of [first, second]) {
      await p.goto("/limits");
      await p.getByTestId("policy-group-Platform").getByTestId("edit-policy").click();
    }
    await first.getByTestId("policy-editor").locator('input[name="amount"]').fill("850");
    await first.getByTestId("policy-editor").getByRole("button", { name: "Save limit" }).click();
    await expect(
      first.getByTestId("policy-group-Platform").getByTestId("policy-amount"),
    ).toHaveText("850.00 credits per member");
    await second.getByTestId("policy-editor").locator('input[name="amount"]').fill("900");
    await second.getByTestId("policy-editor").getByRole("button", { name: "Save limit" }).click();
    await expect(second.getByTestId("policy-error")).toHaveText(
      /changed by admin@acme\.example at .* — reload/,
    );
    await saveScreenshot(second, "limits-stale-edit");
    await second.reload();
    await expect(
      second.getByTestId("policy-group-Platform").getByTestId("policy-amount"),
    ).toHaveText("850.00 credits per member");
    await second
      .getByTestId("policy-group-Platform")
      .getByRole("button", { name: "History" })
      .click();
    await expect(second.getByTestId("policy-history")).toContainText("admin@acme.example update");
    await first.context().close();
    await second.context().close();
  });

  test("finance and a manager see limits read-only", async ({ browser }) => {
    for (const role of ["finance", "manager"] as const) {
      const page = await pageAs(browser, role);
      const res = await page.goto("/limits");
      expect(res?.status()).toBe(200);
      await expect(page.getByTestId("read-only-note")).toBeVisible();
      await expect(page.getByTestId("edit-policy")).toHaveCount(0);
      await expect(page.getByTestId("add-override")).toHaveCount(0);
      const post = await page.request.post("/api/limits/policies", {
        data: { scope: "MEMBER", memberId: "x", amount: "5" },
      });
      expect(post.status()).toBe(403);
      if (role === "manager") await saveScreenshot(page, "limits-manager");
      await page.context().close();
    }
  });

  test("an engineer cannot reach any editor or its route handler", async ({ browser }) => {
    const admin = await pageAs(browser, "admin");
    const overview = await (await admin.request.get("/api/limits")).json();
    const platform = overview.policies.find(
      (p: { targetName: string }) => p.targetName === "Platform",
    );
    await admin.context().close();
    const page = await pageAs(browser, "engineer");
    for (const path of ["/limits", "/settings"])
      expect((await page.goto(path))?.status()).toBe(403);
    expect((await page.request.get("/api/limits")).status()).toBe(403);
    expect(
      (
        await page.request.post("/api/limits/policies", {
          data: { scope: "MEMBER", memberId: "x", amount: "5000" },
        })
      ).status(),
    ).toBe(403);
    expect(
      (
        await page.request.patch(`/api/limits/policies/${platform.id}`, {
          data: { version: platform.version, amount: "99999" },
        })
      ).status(),
    ).toBe(403);
    expect(
      (
        await page.request.delete(`/api/limits/policies/${platform.id}?version=${platform.version}`)
      ).status(),
    ).toBe(403);
    expect((await page.request.get(`/api/limits/policies/${platform.id}/history`)).status()).toBe(
      403,
    );
    await page.context().close();
  });
});

test.describe("API tokens in Settings", () => {
  test("the owner creates a token (shown once), it works, then revokes it and it stops working", async ({
    browser,
  }) => {
    const name = `revocable-${Date.now()}`;
    const token = await createTokenViaSettings(browser, name, ["budget:check"]);
    const owner = await pageAs(browser, "owner");
    const auth = { authorization: `Bearer ${token}` };
    expect(
      (
        await owner.request.get("/api/v1/budget-check?member=engineer@acme.example", {
          headers: auth,
        })
      ).status(),
    ).toBe(200);
    await owner.goto("/settings");
    await expect(owner.getByTestId("new-token")).toHaveCount(0); // never shown again
    const row = owner.getByTestId(`token-${name}`);
    await expect(row).toContainText("budget:check");
    await saveScreenshot(owner, "settings-owner");
    await row.getByRole("button", { name: "Revoke" }).click();
    await owner.getByRole("dialog").getByRole("button", { name: "Revoke token" }).click();
    await expect(row).toHaveCount(0); // revoked tokens leave the active list
    expect(
      (
        await owner.request.get("/api/v1/budget-check?member=engineer@acme.example", {
          headers: auth,
        })
      ).status(),
    ).toBe(401);
    await owner.context().close();
  });
});
