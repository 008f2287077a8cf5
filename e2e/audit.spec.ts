import { expect, test } from "@playwright/test";

import { DESKTOP_WIDTH, pageAs } from "./roles";
import { saveScreenshot } from "./screenshots";

// Issue 17, audit log: an admin's change shows in plain words, filtered by who, object and
// action (URL state), as the member's history (from the member page), and exported as CSV with
// formula cells neutralised — as finance, who reads it, and the owner.

test.describe.serial("audit log", () => {
  let memberId = "";

  test("an admin's change reads as a sentence in finance's filtered log and in the member's history", async ({
    browser,
  }) => {
    const admin = await pageAs(browser, "admin", DESKTOP_WIDTH);
    await admin.goto("/members");
    const res = await admin.request.post("/api/members", {
      data: {
        email: "audit.formula@acme.example",
        name: "=HYPERLINK(1)",
        role: "MEMBER",
        costCenter: "CC-AU",
      },
    });
    expect(res.status()).toBe(201);
    memberId = ((await res.json()) as { id: string }).id;
    expect(
      (
        await admin.request.patch(`/api/members/${memberId}`, { data: { costCenter: "CC-AU2" } })
      ).status(),
    ).toBe(200);
    // a bad request is a 4xx in people's words
    const bad = await admin.request.patch(`/api/members/${memberId}`, { data: { role: "BOSS" } });
    expect(bad.status()).toBe(400);
    expect(((await bad.json()) as { issues: { field: string; message: string }[] }).issues).toEqual(
      [{ field: "role", message: "Choose a role: owner, admin, finance or member" }],
    );
    await admin.context().close();

    const page = await pageAs(browser, "finance", DESKTOP_WIDTH);
    await page.goto("/audit");
    await page.getByTestId("audit-actor-filter").selectOption("admin@acme.example");
    await page.getByTestId("audit-type-filter").selectOption("Member");
    await page.getByTestId("audit-action-filter").selectOption("member.update");
    await page.getByRole("button", { name: "Apply" }).click();
    await expect(page).toHaveURL(/actor=admin%40acme\.example/);
    await expect(page).toHaveURL(/type=Member/);
    await expect(page).toHaveURL(/action=member\.update/);
    const rows = page.getByTestId("audit-row");
    await expect(rows.first()).toContainText(
      /changed =HYPERLINK\(1\)'s cost center from CC-AU to CC-AU2/,
    );
    for (const action of await rows.evaluateAll((els) =>
      els.map((e) => e.getAttribute("data-action")),
    ))
      expect(action).toBe("member.update");
    await saveScreenshot(page, "audit-finance-1440");

    // the member page's History link opens the per-object history
    await page.goto(`/members/${memberId}`);
    await page.getByTestId("member-header").getByRole("link", { name: "History" }).click();
    await expect(page.getByRole("heading", { name: "History of =HYPERLINK(1)" })).toBeVisible();
    await expect(page.getByTestId("audit-summary")).toHaveText([
      /changed =HYPERLINK\(1\)'s cost center from CC-AU to CC-AU2/,
      /added =HYPERLINK\(1\) \(audit\.formula@acme\.example\) as member, cost center CC-AU/,
    ]);
    await page.context().close();
  });

  test("the export is the filtered log as CSV, formulas neutralised, and is itself audited", async ({
    browser,
  }) => {
    const page = await pageAs(browser, "owner", DESKTOP_WIDTH);
    await page.goto(`/audit?type=Member&target=${memberId}`);
    const href = await page.getByTestId("audit-export").getAttribute("href");
    expect(href).toBe(`/api/audit/export?type=Member&target=${memberId}`);
    const res = await page.request.get(href!);
    expect(res.status()).toBe(200);
    expect(res.headers()["content-type"]).toBe("text/csv; charset=utf-8");
    const text = await res.text();
    const lines = text.trim().split("\r\n");
    expect(lines[0]).toBe(
      "time,actor,actor_name,action,object_type,object_id,object,what_happened",
    );
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain(",member.update,Member,");
    // the name starts with "=": every cell holding it is text, never a formula
    expect(text).toContain("'=HYPERLINK(1)");
    expect(text).not.toMatch(/(^|,)=HYPERLINK/m);
    await page.goto("/audit?action=export.audit");
    await expect(page.getByTestId("audit-row").first()).toContainText("owner@acme.example");
    // an engineer has no audit log
    const engineer = await pageAs(browser, "engineer", DESKTOP_WIDTH);
    expect((await engineer.request.get("/api/audit/export")).status()).toBe(403);
    await engineer.context().close();
    await page.context().close();
  });
});
