import { expect, test, type Page } from "@playwright/test";

import { sendRequest } from "../request-form";
import { pageAs } from "../roles";
import { saveScreenshot } from "../screenshots";

// Issue 20 "Done when" (decide): an owner simulates a group limit and sees the members it
// would have refused last month, then saves it; a policy auto-approves a small request and
// leaves a large one pending; a decider revokes the policy's grant. Everything this spec
// changes is undone at its end (limit removed, policy disabled, requests decided), so later
// specs see the demo as it was.

const REASON = "Finishing the payments reconciliation agent run this week";

async function fileRequest(page: Page, amount: string): Promise<{ id: number; text: string }> {
  await page.goto("/requests");
  return sendRequest(page, { amount, reason: REASON });
}

test.describe.serial("decide ahead: limit simulator and auto-approval policies", () => {
  test("the owner simulates a Payments limit, sees whom it would have refused last month, then saves it", async ({
    browser,
  }) => {
    const page = await pageAs(browser, "owner");
    await page.goto("/limits");
    await page.getByTestId("new-group-limit").selectOption({ label: "Payments" });
    const editor = page.getByTestId("policy-editor");
    await editor.locator('input[name="amount"]').fill("5");
    const sim = editor.getByTestId("simulation");
    // last month is the detail shown first (the pinned today is in November 2026)
    await expect(sim.getByTestId("simulation-detail-title")).toHaveText(
      /^October 2026: who would have been alerted or refused/,
      { timeout: 60_000 },
    );
    const rows = sim.getByTestId("simulation-members").locator("tbody tr");
    expect(await rows.count()).toBeGreaterThan(0);
    await expect(rows.first()).toContainText(/Oct \d+/);
    await expect(rows.first()).toContainText("Payments");
    // the summary row for October counts refusals and the requests they would cause
    await expect(sim.locator("tbody tr", { hasText: "October 2026" }).first()).toContainText(
      /vs now/,
    );
    // a shorter replay on request
    await sim.locator('select[name="periods"]').selectOption("1");
    await expect(sim.locator("table").first().locator("tbody tr")).toHaveCount(2, {
      timeout: 60_000,
    });
    await saveScreenshot(page, "decide-simulation");

    await editor.getByRole("button", { name: "Save limit" }).click();
    const saved = page.getByTestId("policy-group-Payments");
    await expect(saved.getByTestId("policy-amount")).toHaveText("5.00 credits per member");

    // undo: later specs expect the demo's limits
    await saved.getByTestId("edit-policy").click();
    await page.getByTestId("policy-editor").getByRole("button", { name: "Remove limit" }).click();
    await expect(page.getByTestId("toast")).toContainText("Group limit on Payments removed");
    await expect(page.getByTestId("policy-group-Payments")).toHaveCount(0);
    await page.context().close();
  });

  test("a policy approves a small request at once and leaves a large one pending; a decider revokes the grant", async ({
    browser,
  }) => {
    const owner = await pageAs(browser, "owner");
    // a grant raises a personal limit: a workspace default must exist (409 when one does)
    const res = await owner.request.post("/api/limits/policies", {
      data: { scope: "WORKSPACE", amount: "500" },
    });
    expect([201, 409]).toContain(res.status());

    await owner.goto("/settings");
    const box = owner.getByTestId("auto-approval");
    await box.getByRole("button", { name: "New policy" }).click();
    const form = box.getByTestId("auto-approval-form");
    await form.locator('input[name="name"]').fill("Small asks");
    await form.locator('input[name="maxAmount"]').fill("50");
    await form.locator('input[name="maxPerPeriod"]').fill("1");
    await form.locator('input[name="maxDays"]').fill("40");
    await form.getByRole("button", { name: "Preview on past requests" }).click();
    await expect(form.getByTestId("auto-approval-preview")).toContainText(
      /would have approved \d+ of \d+ requests/,
    );
    await form.getByRole("button", { name: "Save policy" }).click();
    await expect(box.locator("li", { hasText: "Small asks" })).toContainText("up to 50.00 credits");
    await saveScreenshot(owner, "decide-policy-settings");

    const engineer = await pageAs(browser, "engineer");
    const small = await fileRequest(engineer, "20");
    expect(small.text).toContain('approved at once by the policy "Small asks"');
    const large = await fileRequest(engineer, "5000");
    expect(large.text).toContain("sent — you will be notified");

    // the admin's queue: the large one waits; the small one shows its policy grant, revoked here
    const admin = await pageAs(browser, "admin");
    await admin.goto("/requests");
    await expect(admin.getByTestId(`queue-item-${large.id}`)).toBeVisible();
    await expect(admin.getByTestId(`queue-item-${small.id}`)).toHaveCount(0);
    await admin.getByTestId("queue-status").selectOption("APPROVED");
    const item = admin.getByTestId(`queue-item-${small.id}`);
    await expect(item).toContainText("Approved at once by an auto-approval policy");
    await saveScreenshot(admin, "decide-policy-grant");
    await item.getByRole("button", { name: "Revoke grant" }).click();
    await expect(item.getByTestId("grant-revoked")).toBeVisible();

    // the audit trail names the policy as the approver
    const audit = await owner.request.get(
      `/api/audit?action=request.approve&targetType=CreditRequest`,
    );
    if (audit.ok()) expect(await audit.text()).toContain('policy \\"Small asks\\"');

    // undo: deny the large request, disable the policy
    const deny = await admin.request.post(`/api/requests/${large.id}/deny`, {
      data: { note: "end of the decide e2e" },
    });
    expect(deny.status()).toBe(200);
    await owner.goto("/settings");
    const row = owner.getByTestId("auto-approval").locator("li", { hasText: "Small asks" });
    await row.getByRole("button", { name: "Disable" }).click();
    await expect(row).toContainText("disabled");
    for (const p of [owner, engineer, admin]) await p.context().close();
  });
});
