import { expect, test, type Browser, type Page } from "@playwright/test";

import { daysAfterNow, resetServerClock, setServerClock } from "./clock";
import { sendRequest } from "./request-form";
import { pageAs } from "./roles";
import { saveScreenshot } from "./screenshots";

// Issue 6 "Done when": an engineer files a request; their manager sees it and approves part
// of it; the engineer's page and the budget-check API show the new limit with the request's
// reason; a denial shows its note to the engineer; the engineer cannot decide their own
// request; an admin of another workspace gets 404. (Concurrency: tests/integration/requests-lifecycle.test.ts.)

const REASON = "Migrating the billing service to the new agent workflow this sprint";

async function createToken(browser: Browser, name: string, scopes: string[]): Promise<string> {
  const owner = await pageAs(browser, "owner");
  await owner.goto("/settings");
  await owner.getByLabel("Token name").fill(name);
  for (const s of ["budget:check", "costs:read", "requests:decide"]) {
    const box = owner.locator("label", { hasText: s }).getByRole("checkbox");
    if ((await box.isChecked()) !== scopes.includes(s)) await box.click();
  }
  await owner.getByRole("button", { name: "Create token" }).click();
  const token = (await owner.getByTestId("new-token").innerText()).trim();
  await owner.context().close();
  return token;
}

/**
 * Files a request by clicking the form; returns its number. A decider's own form sits in a
 * drawer behind "Ask for more for yourself"; an engineer's is on the page.
 */
async function fileRequest(page: Page, amount: string): Promise<number> {
  await page.goto("/requests");
  await expect(page.getByRole("heading", { name: "Requests", level: 1 })).toBeVisible();
  if ((await page.getByTestId("own-request").count()) > 0)
    await page.getByTestId("own-request").click();
  const link = "https://tracker.example/PLAT-42";
  return (await sendRequest(page, { amount, reason: REASON, link })).id;
}

const toMicros = (decimal: string) => BigInt(decimal.replace(".", ""));

test.describe.serial("credit requests", () => {
  let token = "";
  let approvedId = 0;

  test.beforeAll(async ({ browser }) => {
    // a limit must exist for a grant to raise it (409 when an earlier spec already set it)
    const owner = await pageAs(browser, "owner");
    const res = await owner.request.post("/api/limits/policies", {
      data: { scope: "WORKSPACE", amount: "500" },
    });
    expect([201, 409]).toContain(res.status());
    await owner.context().close();
    token = await createToken(browser, `scripts-${Date.now()}`, [
      "budget:check",
      "requests:decide",
    ]);
  });

  test("an engineer files; the manager approves part; the new limit shows with the request's reason", async ({
    browser,
  }) => {
    const check = async (page: Page) =>
      (
        await page.request.get("/api/v1/budget-check?member=engineer@acme.example", {
          headers: { authorization: `Bearer ${token}` },
        })
      ).json();
    const engineer = await pageAs(browser, "engineer");
    const before = await check(engineer);
    expect(before.limit).not.toBeNull();
    // the way to ask for more sits next to the limit on My budget and opens the form in a drawer
    await engineer.goto("/me");
    await engineer.getByTestId("member-limit").getByTestId("request-more").click();
    await expect(engineer.getByTestId("request-drawer").getByTestId("request-form")).toBeVisible();
    approvedId = await fileRequest(engineer, "300");
    const mine = engineer.getByTestId(`my-request-${approvedId}`);
    await expect(mine.getByTestId("request-status")).toHaveText("pending");
    await saveScreenshot(engineer, "requests-engineer-filed");

    const manager = await pageAs(browser, "manager");
    await manager.goto("/requests");
    await expect(manager.getByTestId("nav-badge-requests").first()).toBeVisible();
    const item = manager.getByTestId(`queue-item-${approvedId}`);
    await expect(item).toContainText("Eli Engineer");
    await expect(item).toContainText(REASON);
    await expect(item.getByTestId("queue-current")).toBeVisible();
    await saveScreenshot(manager, "requests-manager-queue");
    await item.getByLabel("Amount to grant").fill("200");
    await item.getByLabel("Decision note").fill("200 now, ask again if needed");
    await item.getByRole("button", { name: "Approve" }).click();
    await expect(item).toHaveCount(0);
    await manager.context().close();

    await engineer.goto("/requests");
    const expected = toMicros(before.limit) + 200_000_000n;
    const limitText = await engineer.getByTestId("my-limit").innerText();
    expect(toMicros(limitText.replace(/[^\d.]/g, ""))).toBe(expected / 10_000n); // shown to the cent
    // the grant is an override beside the engineer's own (limits.spec.ts): the reason may say of how many
    await expect(engineer.getByTestId("my-limit-reason")).toHaveText(
      new RegExp(
        `^request #${approvedId} approved by manager@acme\\.example until \\d{4}-\\d{2}-\\d{2}(, most generous of \\d+ overrides)?$`,
      ),
    );
    await expect(engineer.getByTestId("notifications")).toContainText(
      `Request #${approvedId} approved`,
    );
    await expect(
      engineer.getByTestId(`my-request-${approvedId}`).getByTestId("request-status"),
    ).toHaveText("approved");
    const after = await check(engineer);
    expect(toMicros(after.limit)).toBe(expected);
    expect(after.reason).toMatch(
      new RegExp(`^request #${approvedId} approved by manager@acme\\.example until `),
    );
    await saveScreenshot(engineer, "requests-engineer-approved");
    await engineer
      .getByRole("navigation", { name: "Main" })
      .first()
      .getByRole("link", { name: "My budget" })
      .click();
    await expect(engineer.getByTestId("member-limit").getByTestId("my-limit-reason")).toHaveText(
      new RegExp(`^request #${approvedId} approved by manager@acme\\.example until `),
    );
    await engineer.context().close();
  });

  test("the member page shows the member's requests to the member and their manager, not to finance", async ({
    browser,
  }) => {
    const manager = await pageAs(browser, "manager");
    await manager.goto("/usage?dimension=group");
    await manager.getByTestId("usage-table").getByRole("link", { name: "Platform" }).click();
    await manager.getByTestId("group-members").getByRole("link", { name: "Eli Engineer" }).click();
    const row = manager.getByTestId(`member-request-${approvedId}`);
    await expect(row.getByTestId("request-status")).toHaveText("approved");
    await expect(row).toContainText("300.00 credits");
    await expect(row).toContainText("200.00 credits");
    await expect(row.getByTestId("member-request-note")).toHaveText(
      "“200 now, ask again if needed”",
    );
    await expect(manager.getByTestId("member-limit").getByTestId("my-limit-reason")).toHaveText(
      new RegExp(`^request #${approvedId} approved by manager@acme\\.example`),
    );
    await saveScreenshot(manager, "member-manager-requests");
    const memberUrl = manager.url();
    await manager.context().close();

    const finance = await pageAs(browser, "finance");
    await finance.goto(memberUrl);
    await expect(finance.getByTestId("member-limit").getByTestId("my-limit")).toBeVisible();
    await expect(finance.getByTestId("member-requests")).toHaveCount(0);
    await finance.context().close();

    const engineer = await pageAs(browser, "engineer");
    await engineer.goto(memberUrl);
    await expect(
      engineer.getByTestId(`member-request-${approvedId}`).getByTestId("request-status"),
    ).toHaveText("approved");
    await engineer.context().close();
  });

  test("a denial shows its note to the engineer", async ({ browser }) => {
    const engineer = await pageAs(browser, "engineer");
    const id = await fileRequest(engineer, "5000");
    const admin = await pageAs(browser, "admin");
    await admin.goto("/requests");
    const item = admin.getByTestId(`queue-item-${id}`);
    await item.getByRole("button", { name: "Deny" }).click();
    await expect(item.getByTestId("decide-error")).toContainText("note is required");
    await item.getByLabel("Decision note").fill("Too much for one sprint: split it");
    await item.getByRole("button", { name: "Deny" }).click();
    await expect(item).toHaveCount(0);
    await admin.context().close();
    await engineer.goto("/requests");
    const mine = engineer.getByTestId(`my-request-${id}`);
    await expect(mine.getByTestId("request-status")).toHaveText("denied");
    await expect(mine.getByTestId("decision-note")).toContainText(
      "Too much for one sprint: split it",
    );
    await engineer.context().close();
  });

  test("nobody decides their own request; the engineer cannot decide at all; cancel works", async ({
    browser,
  }) => {
    const engineer = await pageAs(browser, "engineer");
    const id = await fileRequest(engineer, "50");
    expect(
      (await engineer.request.post(`/api/requests/${id}/approve`, { data: {} })).status(),
    ).toBe(403);
    expect(
      (
        await engineer.request.post(`/api/requests/${id}/deny`, { data: { note: "nope nope" } })
      ).status(),
    ).toBe(403);
    await expect(engineer.getByTestId("queue")).toHaveCount(0);

    const manager = await pageAs(browser, "manager");
    const own = await fileRequest(manager, "75");
    await manager.goto("/requests");
    await expect(manager.getByTestId(`queue-item-${own}`)).toHaveCount(0);
    expect(
      (await manager.request.post(`/api/requests/${own}/approve`, { data: {} })).status(),
    ).toBe(403);
    await manager.context().close();

    await engineer.goto("/requests");
    await engineer.getByTestId(`my-request-${id}`).getByRole("button", { name: "Cancel" }).click();
    await expect(engineer.getByTestId(`my-request-${id}`).getByTestId("request-status")).toHaveText(
      "cancelled",
    );
    await engineer.context().close();
  });

  test("an admin of another workspace gets 404; the API answers 409 for a decided request", async ({
    browser,
  }) => {
    const ci = await pageAs(browser, "ciAdmin");
    expect(
      (await ci.request.post(`/api/requests/${approvedId}/approve`, { data: {} })).status(),
    ).toBe(404);
    expect(
      (
        await ci.request.post(`/api/requests/${approvedId}/deny`, { data: { note: "not yours" } })
      ).status(),
    ).toBe(404);
    await ci.context().close();

    const page = await pageAs(browser, "admin");
    const auth = { authorization: `Bearer ${token}` };
    const list = await (
      await page.request.get("/api/v1/credit-requests?status=ALL", { headers: auth })
    ).json();
    expect(
      list.requests.some(
        (r: { id: number; status: string }) => r.id === approvedId && r.status === "APPROVED",
      ),
    ).toBe(true);
    expect(
      (
        await page.request.post(`/api/v1/credit-requests/${approvedId}/approve`, {
          headers: auth,
          data: {},
        })
      ).status(),
    ).toBe(409);
    expect(
      (
        await page.request.post(`/api/v1/credit-requests/999999/deny`, {
          headers: auth,
          data: { note: "no such" },
        })
      ).status(),
    ).toBe(404);
    await page.context().close();
  });
  test("the inbox: pending first and compact, limit before → after, filed hours ago, bulk approval of two with a per-request report", async ({
    browser,
  }) => {
    const engineer = await pageAs(browser, "engineer");
    const a = await fileRequest(engineer, "40");
    const b = await fileRequest(engineer, "60");
    const c = await fileRequest(engineer, "25");
    await engineer.context().close();

    const manager = await pageAs(browser, "manager");
    // three hours pass on the app's clock: the queue says so
    setServerClock(new Date(daysAfterNow(0).getTime() + 3 * 3_600_000));
    try {
      await manager.goto("/requests");
      await expect(manager.getByTestId(`queue-item-${a}`).getByTestId("queue-age")).toHaveText(
        "filed 3 h ago",
      );
    } finally {
      resetServerClock();
    }
    await manager.goto("/requests");
    // the inbox comes before the manager's own budget, and the own form waits in a drawer
    await expect(manager.getByTestId("request-form")).toHaveCount(0);
    const inbox = manager.getByTestId("queue");
    const own = manager.getByRole("heading", { name: "Your own budget" });
    expect((await inbox.boundingBox())!.y).toBeLessThan((await own.boundingBox())!.y);
    // limit before → after approving the amount asked
    const itemA = manager.getByTestId(`queue-item-${a}`);
    const ba = await itemA.getByTestId("queue-before-after").innerText();
    const [before, after] = [...ba.matchAll(/([\d,]+\.\d{2}) credits/g)].map((m) =>
      toMicros(m[1]!.replace(/,/g, "")),
    );
    expect(after! - before!).toBe(40_000_000n / 10_000n); // toMicros reads the cents
    // compact: the reason's details are folded until asked for
    await expect(itemA.getByTestId("queue-details")).toHaveCount(0);
    await itemA.getByRole("button", { name: "Details" }).click();
    await expect(itemA.getByTestId("queue-details")).toContainText(REASON);
    await saveScreenshot(manager, "requests-manager-inbox");
    await manager.setViewportSize({ width: 800, height: 900 });
    await saveScreenshot(manager, "requests-manager-inbox-800");
    await manager.setViewportSize({ width: 1440, height: 900 });

    // select three; an admin denies one of them meanwhile; approving the selection approves
    // the two still pending and reports the third
    for (const id of [a, b, c])
      await manager.getByTestId(`queue-item-${id}`).getByTestId("queue-select").check();
    const admin = await pageAs(browser, "admin");
    expect(
      (
        await admin.request.post(`/api/requests/${c}/deny`, {
          data: { note: "split it across the sprint" },
        })
      ).status(),
    ).toBe(200);
    await admin.context().close();
    await manager.getByRole("button", { name: "Approve 3 as asked" }).click();
    const results = manager.getByTestId("bulk-results");
    await expect(results).toContainText("2 approved, 1 not decided:");
    await expect(results.getByTestId(`bulk-failed-${c}`)).toContainText(
      `Request #${c} is already denied`,
    );
    await expect(manager.getByTestId(`queue-item-${a}`)).toHaveCount(0);
    await expect(manager.getByTestId(`queue-item-${b}`)).toHaveCount(0);

    // all statuses: pending ones first, then the decided
    await manager.getByTestId("queue-status").selectOption("ALL");
    await expect(manager.getByTestId(`queue-item-${a}`)).toBeVisible();
    const statuses = await manager
      .getByTestId("queue")
      .locator("> li")
      .evaluateAll((els) => els.map((e) => e.getAttribute("data-status")));
    const firstDecided = statuses.findIndex((st) => st !== "PENDING");
    expect(statuses.slice(firstDecided).includes("PENDING")).toBe(false);
    await manager.context().close();

    // each approval is its own decision, audited, and the engineer sees both
    const eng = await pageAs(browser, "engineer");
    const mine = (await (await eng.request.get("/api/requests")).json()) as {
      mine: { id: number; status: string; grantedMicros: string | null }[];
    };
    const byId = new Map(mine.mine.map((r) => [r.id, r]));
    expect(byId.get(a)).toMatchObject({ status: "APPROVED", grantedMicros: "40000000" });
    expect(byId.get(b)).toMatchObject({ status: "APPROVED", grantedMicros: "60000000" });
    expect(byId.get(c)?.status).toBe("DENIED");
    await eng.context().close();
    const owner = await pageAs(browser, "owner");
    const audit = (await (await owner.request.get("/api/audit?limit=100")).json()) as {
      data: { action: string; actor: string; target: string }[];
    };
    for (const id of [a, b])
      expect(
        audit.data.filter(
          (e) => e.action === "request.approve" && e.target === `CreditRequest:${id}`,
        ),
      ).toEqual([expect.objectContaining({ actor: "manager@acme.example" })]);
    await owner.context().close();
  });
});
