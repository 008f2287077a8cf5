import { expect, test, type Page } from "@playwright/test";

import { deletePolicy, limitTarget } from "./policies";
import { pageAs } from "./roles";

// Issue 17 "Inline governance": an owner or admin sets or changes a limit where they see the
// person or the group — a top spender on the Overview, the member page, a Usage row, an open
// alert, the group page — in the Limits screen's editor (same route, same audit). Finance,
// managers and engineers see no such action and the server refuses them.
// State: the override and the group limit this journey sets are deleted in afterAll, and the
// alert it raises is resolved by the last evaluation, so later journeys see no limits.

const M = 1_000_000n;

type Target = {
  policy: {
    id: string;
    version: number;
    amountMicros: string | null;
    poolCapMicros: string | null;
  } | null;
  effective: { usedMicros: string; limitMicros: string | null } | null;
};

/** formatAmount's credits form for whole credits: 1234n → "1,234.00 credits". */
function credits(whole: bigint): string {
  return `${whole.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",")}.00 credits`;
}

const target = (page: Page, q: string) => limitTarget<Target>(page, q);

test.describe.serial("inline governance", () => {
  let memberId = "";
  let memberName = "";
  let used = 0n; // whole credits spent this period by the top spender
  let groupId = "";

  test.afterAll(async ({ browser }) => {
    const admin = await pageAs(browser, "admin");
    for (const q of [`memberId=${memberId}`, `groupId=${groupId}`]) {
      if (q.endsWith("=")) continue;
      const t = await target(admin, q);
      if (t.policy) await deletePolicy(admin, t.policy);
    }
    await admin.context().close();
  });

  test("admin: a top spender on the Overview, then the member page", async ({ browser }) => {
    const page = await pageAs(browser, "admin");
    await page.goto("/overview");
    const top = page.locator("table").filter({ hasText: "Spent (" }).locator("tbody tr").first();
    const link = top.getByRole("link");
    memberName = (await link.textContent())!.trim();
    memberId = (await link.getAttribute("href"))!.split("/").pop()!;
    const before = await target(page, `memberId=${memberId}`);
    expect(before.policy).toBeNull();
    used = BigInt(before.effective!.usedMicros) / M;
    expect(used).toBeGreaterThan(100n);
    const half = used / 2n;

    await top.getByRole("button", { name: `Set limit for ${memberName}` }).click();
    const dialog = page.getByRole("dialog", { name: `Limit for ${memberName}` });
    await expect(dialog).toBeVisible();
    await expect(dialog.getByTestId("limit-dialog-now")).toContainText("used");
    await expect(dialog.getByText(`New override: ${memberName}`)).toBeVisible();
    await dialog.getByLabel(/^Limit \(credits\)/).fill(half.toString());
    await dialog.getByLabel("Note").fill("inline: from the Overview");
    await dialog.getByRole("button", { name: "Save limit" }).click();
    await expect(dialog).toBeHidden();
    const saved = await target(page, `memberId=${memberId}`);
    expect(BigInt(saved.policy!.amountMicros!)).toBe(half * M);
    expect(BigInt(saved.effective!.limitMicros!)).toBe(half * M);

    // the member page: the override is their limit now, and it is changed from here
    await page.goto(`/members/${memberId}`);
    const panel = page.getByTestId("member-limit");
    await expect(panel).toContainText(credits(half));
    await expect(panel.getByTestId("limit-state")).toHaveText("over the limit");
    await panel.getByRole("button", { name: `Set limit for ${memberName}` }).click();
    const again = page.getByRole("dialog", { name: `Limit for ${memberName}` });
    await expect(again.getByText(`Edit limit: ${memberName}`)).toBeVisible();
    await expect(again.getByLabel(/^Limit \(credits\)/)).toHaveValue(half.toString());
    await again.getByLabel(/^Limit \(credits\)/).fill((half + 10n).toString());
    await again.getByRole("button", { name: "Save limit" }).click();
    await expect(again).toBeHidden();
    await expect(panel).toContainText(credits(half + 10n));
    const changed = await target(page, `memberId=${memberId}`);
    expect(changed.policy!.version).toBe(saved.policy!.version + 1);

    // the audit log has both writes, newest first (the log orders by the event's time; a journey
    // before this one ran the clock forward, so its events sort above: read this policy's)
    const audit = (await (await page.request.get(`/api/audit?limit=500`)).json()) as {
      data: { action: string; target: string }[];
    };
    const mine = audit.data.filter((e) => e.target === `LimitPolicy:${saved.policy!.id}`);
    expect(mine.map((e) => e.action)).toEqual(["limit.update", "limit.create"]);
    await page.context().close();
  });

  test("admin: a people row in Usage opens the same override", async ({ browser }) => {
    const page = await pageAs(browser, "admin");
    await page.goto("/usage");
    const row = page.locator("tbody tr").filter({ hasText: memberName }).first();
    // the row shows the limit the override set, with its meter, beside the spend
    await expect(row.getByTestId("usage-member-limit")).toContainText(
      `of ${credits(used / 2n + 10n)}`,
    );
    await expect(row.getByTestId("usage-member-limit-reason")).toContainText(/override/i);
    await expect(row.getByTestId("usage-member-meter")).toBeVisible();
    await row.getByRole("button", { name: `Set limit for ${memberName}` }).click();
    const dialog = page.getByRole("dialog", { name: `Limit for ${memberName}` });
    await expect(dialog.getByLabel(/^Limit \(credits\)/)).toHaveValue((used / 2n + 10n).toString());
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(dialog).toBeHidden();
    // a product filter's dimension (not people) has no such action
    await page.goto("/usage?dimension=product");
    await expect(page.locator("tbody tr").first()).toBeVisible();
    await expect(page.getByTestId("set-limit")).toHaveCount(0);
    await page.context().close();
  });

  test("admin: an open alert about the member is acted on, and the next check resolves it", async ({
    browser,
  }) => {
    const page = await pageAs(browser, "admin");
    expect((await page.request.post("/api/alerts/evaluate")).status()).toBe(200);
    type Alert = { id: string; kind: string; subjectId: string; status: string };
    const alerts = async () =>
      ((await (await page.request.get("/api/alerts")).json()) as { alerts: Alert[] }).alerts;
    const alert = (await alerts()).find(
      (a) => a.kind === "hard_limit" && a.subjectId === memberId && a.status === "OPEN",
    );
    expect(alert).toBeDefined();
    // the bell's link opens the alert marked on the list
    await page.goto(`/alerts?id=${alert!.id}`);
    const item = page.locator(`#alert-${alert!.id}`);
    await expect(item).toHaveAttribute("aria-current", "true");
    await item.getByRole("button", { name: `Set limit for ${memberName}` }).click();
    const dialog = page.getByRole("dialog", { name: `Limit for ${memberName}` });
    await expect(dialog.getByTestId("limit-dialog-now")).toContainText("over");
    const raised = used * 2n;
    await dialog.getByLabel(/^Limit \(credits\)/).fill(raised.toString());
    await dialog.getByRole("button", { name: "Save limit" }).click();
    await expect(dialog).toBeHidden();
    expect(BigInt((await target(page, `memberId=${memberId}`)).policy!.amountMicros!)).toBe(
      raised * M,
    );
    expect((await page.request.post("/api/alerts/evaluate")).status()).toBe(200);
    expect((await alerts()).find((a) => a.id === alert!.id)?.status).toBe("RESOLVED");
    await page.context().close();
  });

  test("owner: a group's limit from the group page; its members' overrides from their rows", async ({
    browser,
  }) => {
    const page = await pageAs(browser, "owner");
    await page.goto("/groups");
    const first = page.locator("main table tbody tr").first().getByRole("link").first();
    const groupName = (await first.textContent())!.trim();
    await first.click();
    await expect(page.getByRole("heading", { level: 1, name: groupName })).toBeVisible();
    groupId = page.url().split("/groups/")[1]!.split("?")[0]!;
    expect((await target(page, `groupId=${groupId}`)).policy).toBeNull();

    await page.getByRole("button", { name: `Set group limit for ${groupName}` }).click();
    const dialog = page.getByRole("dialog", { name: `Group limit for ${groupName}` });
    await expect(dialog).toContainText("No limit on this group yet");
    await dialog.getByLabel(/^Per-member limit/).fill("3000");
    await dialog.getByLabel(/^Pooled cap for the group/).fill("45000");
    await dialog.getByRole("button", { name: "Save limit" }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByText("45,000.00 credits")).toBeVisible();
    const g = await target(page, `groupId=${groupId}`);
    expect(BigInt(g.policy!.amountMicros!)).toBe(3000n * M);
    expect(BigInt(g.policy!.poolCapMicros!)).toBe(45000n * M);
    // every member row offers its override, and names the group limit as the reason today
    const rows = page.getByTestId("group-members").locator("tbody tr");
    await expect(rows.first().getByTestId("set-limit")).toBeVisible();
    await expect(rows.first().getByTestId("group-member-limit-reason")).toContainText(groupName);
    await page.context().close();
  });

  for (const role of ["finance", "manager", "engineer"] as const) {
    test(`${role}: no limit actions anywhere, and the server refuses the editor's read`, async ({
      browser,
    }) => {
      const page = await pageAs(browser, role);
      const res = await page.request.get(`/api/limits/target?memberId=${memberId}`);
      expect(res.status()).toBe(403);
      const write = await page.request.post("/api/limits/policies", {
        data: { scope: "MEMBER", memberId, amount: "1" },
      });
      expect(write.status()).toBe(403);
      await page.goto(role === "engineer" ? "/me" : "/overview");
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      await expect(page.getByTestId("set-limit")).toHaveCount(0);
      if (role !== "engineer") {
        // a person they can see: finance everyone, the manager the people of their groups
        const members = (await (await page.request.get("/api/members")).json()) as {
          rows: { id: string }[];
        };
        await page.goto(`/members/${members.rows[0]!.id}`);
        await expect(page.getByTestId("member-limit")).toBeVisible();
        await expect(page.getByTestId("set-limit")).toHaveCount(0);
        await page.goto("/usage");
        await expect(page.locator("tbody tr").first()).toBeVisible();
        await expect(page.getByTestId("set-limit")).toHaveCount(0);
      }
      await page.context().close();
    });
  }

  test("the editor's read names what is wrong with its query", async ({ browser }) => {
    const page = await pageAs(browser, "admin");
    for (const q of ["", `memberId=${memberId}&groupId=${groupId}`, "memberId="]) {
      const res = await page.request.get(`/api/limits/target?${q}`);
      expect(res.status()).toBe(400);
      expect(((await res.json()) as { error: string }).error).toContain("memberId");
    }
    expect((await page.request.get("/api/limits/target?memberId=nobody")).status()).toBe(404);
    await page.context().close();
  });
});
