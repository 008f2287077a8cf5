import { expect, test, type Page } from "@playwright/test";

import { deletePolicy, limitTarget } from "./policies";
import { pageAs } from "./roles";

// Issue 17 "Automation as a first-class subject": the CI workspace's spend is all on API keys.
// Its admin names a key as a service account with an owner, sets its limit from its page, and
// finds it under its name in Usage and the Overview's top spenders; the service account cannot
// sign in. The owner of Acme Engineering is offered the same from Connections' unmapped keys.
// State: the main suite's seed names no key (ALLOTMENT_SEED_GOVERNANCE=0); this journey leaves
// one service account in Acme CI, which no later journey reads, and removes its limit.

const M = 1_000_000n;
const NAME = "CI pipeline";
const KEY = "key_ci_pipeline";
/** its internal address (lib/people/automation.ts serviceEmail): kept on the server, never sent */
const SERVICE_EMAIL = "ci-pipeline@service.invalid";

type Target = {
  policy: { id: string; version: number; amountMicros: string | null } | null;
  effective: { usedMicros: string; limitMicros: string | null; reason: string } | null;
};

const target = (page: Page, memberId: string) => limitTarget<Target>(page, `memberId=${memberId}`);

test.describe.serial("service accounts", () => {
  let serviceId = "";

  test.afterAll(async ({ browser }) => {
    if (!serviceId) return;
    const page = await pageAs(browser, "ciAdmin");
    const t = await target(page, serviceId);
    if (t.policy) await deletePolicy(page, t.policy);
    await page.context().close();
  });

  test("owner: Connections offers to name an unmapped API key as a service account", async ({
    browser,
  }) => {
    const page = await pageAs(browser, "owner");
    await page.goto("/connections");
    const row = page.getByTestId(`unmapped-${KEY}`).first();
    await expect(row).toContainText("API key");
    await row.getByRole("link", { name: "or name it as a service account" }).click();
    await page.waitForURL(/\/members\?add=service&key=/);
    const form = page.getByTestId("add-service-form");
    await expect(form).toBeVisible();
    // the key is chosen, under every provider that reported it
    const boxes = form.getByRole("checkbox", { name: new RegExp(KEY) });
    expect(await boxes.count()).toBeGreaterThan(0);
    for (const box of await boxes.all()) await expect(box).toBeChecked();
    await form.getByRole("button", { name: "Cancel" }).click();
    await expect(form).toBeHidden();
    await page.goto("/members?kind=services");
    await expect(page.getByText("Nobody matches these filters.")).toBeVisible();
    await page.context().close();
  });

  test("CI admin: names a key, gives it an owner, sets its limit and sees it in Usage and top spenders", async ({
    browser,
  }) => {
    const page = await pageAs(browser, "ciAdmin");
    // before: all the spend is on keys nobody owns
    await page.goto("/overview");
    await expect(page.getByText("Nobody has spent anything in this range.")).toBeVisible();

    await page.goto("/members");
    await page.getByRole("button", { name: "Add service account" }).click();
    const form = page.getByTestId("add-service-form");
    await form.getByLabel("Name").fill(NAME);
    const boxes = form.getByRole("checkbox", { name: new RegExp(KEY) });
    expect(await boxes.count()).toBe(2); // reported by OpenAI and by Anthropic
    for (const box of await boxes.all()) await box.check();
    // the owner is required, and said so next to the field
    await form.getByRole("button", { name: "Add service account" }).click();
    await expect(form.getByTestId("error-ownerId")).toHaveText(
      "Choose the person responsible for it",
    );
    await form.getByLabel(/^Owner/).selectOption({ label: "Cora CI-Owner" });
    await form.getByRole("button", { name: "Add service account" }).click();
    await expect(form).toBeHidden();

    const row = page.getByTestId("member-row").filter({ hasText: NAME });
    await expect(row).toContainText("Service account");
    await expect(row).toContainText("owner Cora CI-Owner");
    // a service account's row says what it is and carries no address
    await expect(row).toHaveAttribute("data-kind", "service");
    await expect(row).not.toHaveAttribute("data-email");
    // nor does anything else the Members page or GET /api/members sent
    expect(await page.content()).not.toContain(SERVICE_EMAIL);
    const listed = await page.request.get("/api/members?kind=services");
    expect(listed.status()).toBe(200);
    const body = await listed.text();
    expect(body).toContain(NAME);
    expect(body).not.toContain("service.invalid");
    await page.goto("/members?kind=services");
    await expect(page.getByTestId("member-row")).toHaveCount(1);
    expect(await page.content()).not.toContain(SERVICE_EMAIL);
    // search finds a person by email, and nobody by the service account's pseudo-domain
    await page.goto("/members?q=ci-owner%40acme");
    await expect(page.getByTestId("member-row")).toHaveCount(1);
    await expect(page.getByTestId("member-row")).toHaveAttribute(
      "data-email",
      "ci-owner@acme.example",
    );
    await page.goto("/members?q=service.invalid");
    await expect(page.getByText("Nobody matches these filters.")).toBeVisible();
    await page.goto("/members?kind=services");

    // its page: owner, keys, spend
    await page.getByRole("link", { name: NAME, exact: true }).click();
    await page.waitForURL(/\/members\/[^/?]+$/);
    serviceId = page.url().split("/").pop()!;
    // the Members page with it open in the Manage panel: no address either
    await page.goto(`/members?member=${serviceId}`);
    await expect(page.getByText("Manage CI pipeline · service account")).toBeVisible();
    expect(await page.content()).not.toContain(SERVICE_EMAIL);
    await page.goto(`/members/${serviceId}`);
    const header = page.getByTestId("member-header");
    await expect(header).toContainText("Service account");
    await expect(header.getByTestId("service-owner")).toHaveText("Owner: Cora CI-Owner");
    const keys = page.getByTestId("member-identities");
    await expect(keys).toContainText(`openai API key ${KEY}`);
    await expect(keys).toContainText(`anthropic API key ${KEY}`);
    const before = await target(page, serviceId);
    const used = BigInt(before.effective!.usedMicros) / M;
    expect(used).toBeGreaterThan(100n);
    expect(before.policy).toBeNull();

    // its limit, from its page, in the same editor and route as a person's
    const limit = used * 2n;
    await page.getByRole("button", { name: `Set limit for ${NAME}` }).click();
    const dialog = page.getByRole("dialog", { name: `Limit for ${NAME}` });
    await dialog.getByLabel(/^Limit \(credits\)/).fill(limit.toString());
    await dialog.getByLabel("Note").fill("CI budget for the quarter");
    await dialog.getByRole("button", { name: "Save limit" }).click();
    await expect(dialog).toBeHidden();
    const after = await target(page, serviceId);
    expect(BigInt(after.effective!.limitMicros!)).toBe(limit * M);
    expect(after.effective!.reason).toMatch(/^individual override/);
    await expect(page.getByTestId("member-limit")).toContainText(
      `${limit.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",")}.00 credits`,
    );

    // Usage and the Overview's top spenders show it by name, as automation, with its owner
    await page.goto("/usage");
    const usageRow = page.locator("tbody tr").filter({ hasText: NAME });
    await expect(usageRow).toContainText("Service account · owner Cora CI-Owner");
    await page.goto("/overview");
    const top = page.locator("table").filter({ hasText: "Spent (" }).locator("tbody tr");
    await expect(top.filter({ hasText: NAME })).toContainText(
      "Service account · owner Cora CI-Owner",
    );

    // Limits names it the same way, its row and its override, never by its internal address
    await page.goto("/limits");
    await page.getByTestId("filter-all").click();
    const limitsRow = page.getByTestId(`member-row-${serviceId}`);
    await expect(limitsRow).toContainText("Service account · owner Cora CI-Owner");
    const override = page.getByTestId(`policy-member-${NAME}`);
    await expect(override).toContainText("Service account · owner Cora CI-Owner");
    await expect(page.getByRole("main")).not.toContainText("service.invalid");
    // nor anywhere in what the page sent: test ids, attributes, the hydrated page data
    expect(await page.content()).not.toContain(SERVICE_EMAIL);
    // the Groups page's pickers offer it by name, its address not in the page data either
    await page.goto("/groups");
    await expect(page.getByRole("heading", { name: "Groups", level: 1 })).toBeVisible();
    expect(await page.content()).not.toContain(SERVICE_EMAIL);

    // every write is in the audit log, by the admin
    const audit = (await (await page.request.get("/api/audit?limit=10")).json()) as {
      data: { action: string }[];
    };
    expect(audit.data.map((e) => e.action).slice(0, 4)).toEqual([
      "limit.create",
      "identity.map",
      "identity.map",
      "member.create",
    ]);
    await page.context().close();
  });

  test("a service account cannot sign in; a person can", async ({ playwright }) => {
    expect(serviceId).not.toBe(""); // the journey above made it
    const baseURL = test.info().project.use.baseURL;
    for (const [email, signedIn] of [
      [SERVICE_EMAIL, false],
      ["ci-admin@acme.example", true],
    ] as const) {
      const anon = await playwright.request.newContext({ baseURL });
      const { csrfToken } = (await (await anon.get("/api/auth/csrf")).json()) as {
        csrfToken: string;
      };
      await anon.post("/api/auth/callback/demo", {
        form: { csrfToken, email, json: "true" },
        maxRedirects: 0,
      });
      expect((await anon.get("/api/me")).status(), email).toBe(signedIn ? 200 : 401);
      await anon.dispose();
    }
  });
});
