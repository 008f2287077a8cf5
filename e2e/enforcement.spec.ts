import { expect, test } from "@playwright/test";

import {
  ALL_CHATGPT_SCOPES,
  startChatgptFake,
  type ChatgptFake,
} from "../tests/fake-vendors/chatgpt";
import { startClaudeFake, type ClaudeFake } from "../tests/fake-vendors/claude";
import {
  daysAfterNow,
  E2E_NOW,
  e2eDay,
  resetServerClock,
  serverNowMs,
  setServerClock,
} from "./clock";
import { act } from "./enforcement-helpers";
import { limitsMemberRow } from "./limits-rows";
import { deletePolicy } from "./policies";
import { pageAs } from "./roles";
import { saveScreenshot } from "./screenshots";

// Issue 9 "Done when": an owner connects both fake vendors, imports ChatGPT credits and groups,
// previews and applies a plan, sees the vendors' limits equal Allotment's, changes one in the
// vendor console and sees the drift; an engineer's Claude request appears in the queue, a
// manager approves it with an amount and the vendor shows that limit; after the grant expires
// (server clock file) the vendor's override is gone.
//
// The demo workspace counts in credits at $0.04 per credit, so 12,500 credits = $500.00 = the
// fake Claude organisation default, and 1,000 credits = $40.00. Everything this spec sets in
// Allotment is removed again at the end, so the limits and requests journeys start clean.
//
// Issue 23: an all-products limit is ONE budget across both vendors — once both are on, each
// vendor gets a share and the two together allow at most Allotment's limit (allowedTogether).
// The owner also sees the per-vendor split, acknowledges a failing write and maps a vendor user
// no member matched.

const CHATGPT_KEY = "chatgpt-admin-e2e-0123";
const CLAUDE_KEY = "sk-ant-admin-e2e-0123";
const GROUP = "Codex Pilots";
const PEOPLE = [
  { local: "owner", name: "Olivia Owner" },
  { local: "admin", name: "Adam Admin" },
  { local: "finance", name: "Fiona Finance" },
  { local: "manager", name: "Maya Manager" },
  { local: "engineer", name: "Eli Engineer" },
] as const;
const gptId = (local: string) => `user-${local}`;
const claudeId = (local: string) => `user_${local}`;

let chatgpt: ChatgptFake;
let claude: ClaudeFake;
/** what the ChatGPT request page should show as the engineer's usage this (monthly, UTC) period */
let engineerCreditsThisMonth = 0;

/** What ChatGPT and Claude allow a person together, in credits ($0.04 each). */
function allowedTogether(local: string): number {
  const r = chatgpt.effectiveOf(gptId(local)).rule;
  const gpt = r.type === "unlimited" ? Infinity : Number(r.limit_amount!.amount);
  const cents = claude.effectiveOf(claudeId(local)).amount;
  return gpt + (cents === null ? Infinity : Number(cents) / 100 / 0.04);
}

test.describe.serial("enforcement: ChatGPT Enterprise and Claude Enterprise", () => {
  test.beforeAll(async () => {
    resetServerClock();
    chatgpt = await startChatgptFake({
      clock: serverNowMs,
      workspaceId: "ws-acme",
      unit: "credit",
      keys: { [CHATGPT_KEY]: ALL_CHATGPT_SCOPES },
      users: PEOPLE.map((p) => ({
        id: gptId(p.local),
        email: `${p.local}@acme.example`,
        name: p.name,
      })),
      // the vendor's own group default: what Allotment mirrors after the import
      groups: [
        {
          id: "g-codex-pilots",
          name: GROUP,
          userIds: [gptId("engineer"), gptId("finance")],
          limit: { type: "limited", limit_amount: { amount: "12500", unit: "credit" } },
        },
      ],
      workspaceDefault: { type: "limited", limit_amount: { amount: "500", unit: "credit" } },
    });
    const month = E2E_NOW.toISOString().slice(0, 7);
    for (let i = 1; i <= 3; i++) {
      const day = e2eDay(-i);
      chatgpt.state.usage.push({
        userId: gptId("engineer"),
        day,
        credits: 40 + i,
        costUsd: null,
        estimated: 9999,
      });
      if (day.startsWith(month)) engineerCreditsThisMonth += 40 + i;
      chatgpt.state.usage.push({
        userId: gptId("finance"),
        day,
        credits: 5,
        costUsd: null,
        estimated: 9999,
      });
    }
    claude = await startClaudeFake({
      keys: { [CLAUDE_KEY]: ["read:spend_limits", "write:spend_limits"] },
      users: [
        ...PEOPLE.map((p) => ({
          id: claudeId(p.local),
          name: p.name,
          email: `${p.local}@acme.example`,
          seatTier: "enterprise_standard",
        })),
        {
          id: "user_contractor",
          name: "Casey Contractor",
          email: "casey@contractor.example",
          seatTier: "enterprise_standard",
        },
      ],
      organizationDefault: "50000",
    });
  });

  test.afterAll(async ({ browser }) => {
    resetServerClock();
    // remove what this journey set in Allotment (the later limits/requests journeys start from no limits)
    const owner = await pageAs(browser, "owner");
    const overview = (await (await owner.request.get("/api/limits")).json()) as {
      policies: {
        id: string;
        version: number;
        scope: string;
        targetName: string;
        targetDetail: string | null;
      }[];
    };
    for (const p of overview.policies) {
      const mine =
        (p.scope === "GROUP" && p.targetName === GROUP) ||
        (p.scope === "MEMBER" && /^(admin|engineer)@acme\.example$/.test(p.targetDetail ?? ""));
      if (mine) await deletePolicy(owner, p);
    }
    await owner.context().close();
    await chatgpt?.close();
    await claude?.close();
  });

  test("the owner connects both vendors and imports ChatGPT credits and groups", async ({
    browser,
  }) => {
    const page = await pageAs(browser, "owner");
    await page.goto("/enforcement");
    await saveScreenshot(page, "enforcement-empty");

    const gptForm = page.getByTestId("connect-chatgpt");
    await gptForm.getByLabel(/Base URL/).fill(chatgpt.url);
    await gptForm.getByLabel("Workspace id").fill("ws-acme");
    await gptForm.getByLabel(/Admin API key/).fill(CHATGPT_KEY);
    expect(
      await act(page, () =>
        gptForm.getByRole("button", { name: "Connect ChatGPT Enterprise" }).click(),
      ),
    ).toContain("Connected");
    const claudeForm = page.getByTestId("connect-claude");
    await claudeForm.getByLabel(/Base URL/).fill(claude.url);
    await claudeForm.getByLabel(/Admin API key/).fill(CLAUDE_KEY);
    expect(
      await act(page, () =>
        claudeForm.getByRole("button", { name: "Connect Claude Enterprise" }).click(),
      ),
    ).toContain("Connected");

    // connected but off; the key is never shown again
    for (const v of ["chatgpt", "claude"] as const) {
      await expect(page.getByTestId(`status-${v}`)).toHaveText("off");
      await expect(page.getByTestId(`connector-${v}`)).not.toContainText(
        v === "chatgpt" ? CHATGPT_KEY : CLAUDE_KEY,
      );
    }
    const gpt = page.getByTestId("connector-chatgpt");
    const imported = await act(page, () =>
      gpt.getByRole("button", { name: "Import credits and groups" }).click(),
    );
    expect(imported).toMatch(/Imported \d+ usage row\(s\)/);
    expect(chatgpt.writes()).toHaveLength(0); // an import only reads

    // the vendor's group arrives as an Allotment group with its members
    const limits = await pageAs(browser, "owner");
    await limits.goto("/limits");
    await expect(limits.getByTestId("groups-table")).toContainText(GROUP);
    await limits.getByTestId("filter-all").click();
    await limits.getByTestId("member-filter").fill("engineer@acme.example");
    await expect(limitsMemberRow(limits, "engineer@acme.example")).toContainText(GROUP);
    // Allotment's limits: the group gets 12,500 credits (the vendor's own default), the admin 1,000
    await limits.getByTestId("new-group-limit").selectOption({ label: GROUP });
    let editor = limits.getByTestId("policy-editor");
    await editor.locator('input[name="amount"]').fill("12500");
    await editor.getByRole("button", { name: "Save limit" }).click();
    await expect(
      limits.getByTestId(`policy-group-${GROUP}`).getByTestId("policy-amount"),
    ).toHaveText("12,500.00 credits per member");
    await limits.getByTestId("member-filter").fill("admin@acme.example");
    const adminRow = limitsMemberRow(limits, "admin@acme.example");
    await adminRow.getByTestId("add-override").click();
    editor = limits.getByTestId("policy-editor");
    await editor.locator('input[name="amount"]').fill("1000");
    await editor.locator('input[name="note"]').fill("evaluation budget");
    await editor.getByRole("button", { name: "Save limit" }).click();
    await expect(adminRow.getByTestId("member-limit")).toHaveText("1,000.00 credits");
    await limits.context().close();

    await page.context().close();
  });

  test("the owner previews and applies a plan; the vendors then enforce Allotment's limits", async ({
    browser,
  }) => {
    const page = await pageAs(browser, "owner");
    await page.goto("/enforcement");
    for (const v of ["chatgpt", "claude"] as const) {
      const card = page.getByTestId(`connector-${v}`);
      expect(
        await act(page, () => card.getByRole("button", { name: "Switch on" }).click()),
      ).toMatch(/is on: Allotment keeps it at Allotment's limits/);
      await expect(page.getByTestId(`status-${v}`)).toHaveText("on");
      expect(
        await act(page, () => card.getByRole("button", { name: "Preview plan" }).click()),
      ).toMatch(/Plan ready: \d+ change\(s\)/);
    }
    // ChatGPT: the admin leaves the workspace default
    const gptPlan = page.getByTestId("plan-chatgpt");
    await expect(gptPlan.getByTestId("plan-row-admin@acme.example")).toContainText(
      "500.00 credits (workspace default)",
    );
    // Claude counts dollars; the admin's 1,000 credits are ONE budget: the plan shows Allotment's
    // figure and its split across ChatGPT and Claude
    const claudePlan = page.getByTestId("plan-claude");
    await expect(claudePlan.getByTestId("plan-row-admin@acme.example")).toContainText(
      "$500.00 (organization default)",
    );
    const split = claudePlan.getByTestId("plan-split-admin@acme.example");
    await expect(split).toContainText("Allotment: 1,000.00 credits");
    await expect(split).toContainText(/split: ChatGPT [\d,.]+ credits \+ Claude \$[\d,.]+/);
    await expect(split).toContainText("worst case");
    // until applied, the difference shows in the drift list as "not applied yet" (not as a vendor edit)
    await expect(page.getByTestId("drift-claude-admin@acme.example")).toContainText(
      "not applied yet",
    );
    expect(chatgpt.writes()).toHaveLength(0);
    expect(claude.writes()).toHaveLength(0); // a preview writes nothing
    await saveScreenshot(page, "enforcement-plan");

    for (const v of ["chatgpt", "claude"] as const) {
      const applied = await act(page, () =>
        page
          .getByTestId(`plan-card-${v}`)
          .getByRole("button", { name: /^Apply \d+ change/ })
          .click(),
      );
      expect(applied).toMatch(/\d+ written/);
      await expect(page.getByTestId(`plan-card-${v}`)).toContainText("applied");
    }
    // the vendors now enforce Allotment's limits as one budget: together never more than the limit
    expect(chatgpt.effectiveOf(gptId("admin")).kind).toBe("individual_override");
    expect(claude.effectiveOf(claudeId("admin")).source).toBe("user");
    expect(allowedTogether("admin")).toBeLessThanOrEqual(1000);
    expect(allowedTogether("admin")).toBeGreaterThan(0);
    expect(allowedTogether("engineer")).toBeLessThanOrEqual(12_500);
    await expect(page.getByTestId("job-log")).toContainText("plan applied by owner@acme.example");
    await expect(page.getByTestId("over-allowance-empty")).toBeVisible();

    // applying again is a no-op: a fresh preview has nothing to change and nothing is written
    const writes = chatgpt.writes().length + claude.writes().length;
    for (const v of ["chatgpt", "claude"] as const) {
      expect(
        await act(page, () =>
          page.getByTestId(`connector-${v}`).getByRole("button", { name: "Preview plan" }).click(),
        ),
      ).toContain("Plan ready: 0 change(s)");
      await expect(page.getByTestId(`plan-card-${v}`)).toContainText("nothing to change");
    }
    expect(chatgpt.writes().length + claude.writes().length).toBe(writes);
    await saveScreenshot(page, "enforcement-applied");
    await page.context().close();

    // the ChatGPT request page (the workspace's custom request destination) shows the engineer's
    // imported ChatGPT usage this period, Allotment's limit and what ChatGPT enforces
    const engineer = await pageAs(browser, "engineer");
    await engineer.goto("/enforcement/request");
    const ctx = engineer.getByTestId("chatgpt-request-context");
    await expect(ctx).toContainText(`12,500.00 credits — group ${GROUP}`);
    await expect(ctx).toContainText(/[\d,.]+ credits \(individual override\)/); // ChatGPT's share of the one budget
    await expect(ctx).toContainText(
      engineerCreditsThisMonth ? `ChatGPT ${engineerCreditsThisMonth}.00 credits` : "none recorded",
    );
    await expect(engineer.getByLabel("Why you need it")).toHaveValue(
      /^ChatGPT\/Codex usage this period: /,
    );
    await saveScreenshot(engineer, "enforcement-request-page");
    await engineer.context().close();
  });

  test("a console edit at the vendor shows as drift; adopt and re-apply settle it", async ({
    browser,
  }) => {
    const page = await pageAs(browser, "owner");
    await page.goto("/enforcement");
    await expect(page.getByTestId("drift-empty")).toBeVisible();
    // someone raises the admin to 1,500 credits in the ChatGPT Admin Console
    const share = chatgpt.effectiveOf(gptId("admin")).rule.limit_amount!.amount;
    chatgpt.consoleSetOverride(gptId("admin"), {
      type: "limited",
      limit_amount: { amount: "1500", unit: "credit" },
    });
    expect(
      await act(page, () => page.getByRole("button", { name: "Check vendors now" }).click()),
    ).toContain("1 member(s) differ");
    const row = page.getByTestId("drift-chatgpt-admin@acme.example");
    await expect(row).toContainText("changed at the vendor");
    await expect(row).toContainText("1,500.00 credits");
    await expect(row).toContainText(`${Number(share).toLocaleString("en-US")}.00 credits`);
    // the continuous check: ChatGPT + Claude now allow the admin more than Allotment's 1,000 credits
    await expect(page.getByTestId("over-admin@acme.example")).toContainText("1,000.00 credits");
    await saveScreenshot(page, "enforcement-drift");

    // adopt: what the vendors allow together becomes Allotment's override; the next runs re-split it
    const together = allowedTogether("admin");
    await act(page, () => row.getByRole("button", { name: "Adopt vendor value" }).click());
    await expect(page.getByTestId("over-allowance-empty")).toBeVisible();
    await saveScreenshot(page, "enforcement-drift-after-adopt");
    for (let i = 0; i < 2; i++)
      await act(page, () => page.getByRole("button", { name: "Run queue now" }).click());
    expect(
      await act(page, () => page.getByRole("button", { name: "Check vendors now" }).click()),
    ).toContain("The vendors agree with Allotment");
    await expect(page.getByTestId("drift-empty")).toBeVisible();
    expect(allowedTogether("admin")).toBeLessThanOrEqual(together);
    // (less than the adopted figure by the admin's spend at other providers this period: one budget)
    expect(allowedTogether("admin")).toBeGreaterThan(together - 200);
    await page.context().close();
  });

  test("an engineer's Claude request is imported, approved by the manager with an amount and pushed to Claude", async ({
    browser,
  }) => {
    const slir = claude.fileRequest(claudeId("engineer"));
    const owner = await pageAs(browser, "owner");
    // a Claude request names no amount: the owner lets managers grant up to 500 credits per request
    await owner.goto("/settings");
    await owner.locator('input[name="managerGrantCeiling"]').fill("500");
    await owner.getByRole("button", { name: "Save settings" }).click();
    await expect(owner.getByTestId("settings-message")).toHaveText("Saved.");
    await owner.goto("/enforcement");
    expect(
      await act(owner, () => owner.getByRole("button", { name: "Run queue now" }).click()),
    ).toMatch(/Imported 1 request\(s\)/);
    const link = owner.getByTestId(`vendor-request-${slir}`);
    await expect(link).toContainText("pending");
    const requestId = Number(/#(\d+)/.exec(await link.innerText())![1]);

    const manager = await pageAs(browser, "manager");
    await manager.goto("/requests");
    const item = manager.getByTestId(`queue-item-${requestId}`);
    await expect(item).toContainText("Eli Engineer");
    await expect(item).toContainText("Asked for more usage in Claude");
    await expect(item).toContainText(/Claude limit \$[\d,.]+/); // Claude's share of the engineer's one budget
    await saveScreenshot(manager, "enforcement-claude-request-queue");
    await item.getByLabel("Amount to grant").fill("250");
    await item.getByLabel("Decision note").fill("for the migration week");
    await item.getByRole("button", { name: "Approve" }).click();
    await expect(item).toHaveCount(0);
    await manager.context().close();
    expect(claude.state.requests.find((r) => r.id === slir)?.status).toBe("pending"); // nothing sent yet: the queue does it

    // the next queue run approves at Claude with Claude's share of Allotment's new limit
    // (12,500 + 250 = 12,750 credits), and the grant reaches ChatGPT too: together 12,750 at most
    const gptBefore = Number(chatgpt.effectiveOf(gptId("engineer")).rule.limit_amount!.amount);
    const togetherBefore = allowedTogether("engineer");
    expect(
      await act(owner, () => owner.getByRole("button", { name: "Run queue now" }).click()),
    ).toMatch(/queued \d+ decision\(s\).*written/);
    expect(claude.state.requests.find((r) => r.id === slir)?.status).toBe("approved");
    expect(claude.effectiveOf(claudeId("engineer")).source).toBe("user");
    await expect(link).toContainText(/approved in Claude with a limit of \$[\d,.]+/);
    await act(owner, () => owner.getByRole("button", { name: "Run queue now" }).click());
    expect(
      Number(chatgpt.effectiveOf(gptId("engineer")).rule.limit_amount!.amount),
    ).toBeGreaterThan(gptBefore);
    expect(allowedTogether("engineer")).toBeLessThanOrEqual(12_750);
    expect(allowedTogether("engineer")).toBeGreaterThan(togetherBefore + 240); // the 250 granted, less rounding
    await saveScreenshot(owner, "enforcement-request-pushed");

    const engineer = await pageAs(browser, "engineer");
    await engineer.goto("/requests");
    await expect(engineer.getByTestId("my-limit")).toHaveText("12,750.00 credits");
    await expect(engineer.getByTestId("my-limit-reason")).toHaveText(
      new RegExp(`^request #${requestId} approved by manager@acme\\.example until `),
    );
    await engineer.context().close();
    await owner.context().close();
  });

  test("the owner maps an unmatched vendor user, acknowledges a failing write and picks the budget split", async ({
    browser,
  }) => {
    const page = await pageAs(browser, "owner");
    await page.goto("/enforcement");
    // Casey has a Claude seat but no Allotment member of that email
    const casey = page.getByTestId("unmatched-casey@contractor.example");
    await expect(casey).toContainText("Claude user user_contractor");
    await saveScreenshot(page, "enforcement-unmatched");
    const picker = casey.getByRole("combobox", { name: "Map" });
    const options = await picker.locator("option").allTextContents();
    const pick = options.find(
      (o) =>
        o.includes("@acme.example") && !PEOPLE.some((p) => o.includes(`<${p.local}@acme.example>`)),
    )!;
    await picker.selectOption({ label: pick });
    expect(await act(page, () => casey.getByRole("button", { name: "Map" }).click())).toMatch(
      /^Mapped/,
    );
    await expect(casey).toHaveCount(0);

    // Claude refuses every write for a while; a console raise of the admin must be lowered
    claude.state.faults.push({ match: /^(POST|DELETE) /, status: 400, times: 1000 });
    claude.consoleSetLimit(claudeId("admin"), "99900");
    await act(page, () => page.getByRole("button", { name: "Check vendors now" }).click());
    await act(page, () => page.getByRole("button", { name: "Run queue now" }).click());
    const failing = page.getByTestId("failing-jobs");
    await expect(failing).toContainText("Admin");
    await expect(failing).toContainText("HTTP 400");
    await expect(page.getByTestId("over-admin@acme.example")).toContainText(
      "a write to fix it is queued or retrying",
    );
    await saveScreenshot(page, "enforcement-failing");
    expect(
      await act(page, () =>
        failing.getByRole("button", { name: "Acknowledge (stop retrying)" }).first().click(),
      ),
    ).toMatch(/^Acknowledged/);
    await expect(failing).toHaveCount(0);
    // acknowledged is not hidden: the continuous check still lists the admin
    await expect(page.getByTestId("over-admin@acme.example")).toContainText("nothing queued");
    await expect(page.getByTestId("job-log")).toContainText("acknowledged by owner@acme.example");
    await saveScreenshot(page, "enforcement-acknowledged");
    claude.state.faults.length = 0;

    // the split rule: even across vendors
    const splitCard = page.getByTestId("split-card");
    await splitCard.getByRole("combobox", { name: "Split rule" }).selectOption("even");
    expect(
      await act(page, () => splitCard.getByRole("button", { name: "Save split rule" }).click()),
    ).toMatch(/Budget split across vendors: even/);
    await expect(page.getByTestId("split-current")).toContainText("Even across vendors");
    await saveScreenshot(page, "enforcement-split");
    await page.context().close();
  });

  test("after the grant ends, a queue run removes Claude's override (Claude cannot expire it itself)", async ({
    browser,
  }) => {
    // 35 days on is always past the end of this month, when the grant ends
    setServerClock(daysAfterNow(35));
    const owner = await pageAs(browser, "owner");
    await owner.goto("/enforcement");
    expect(
      await act(owner, () => owner.getByRole("button", { name: "Run queue now" }).click()),
    ).toMatch(/queued \d+ decision\(s\) and [1-9]\d* revert\(s\); [1-9]\d* written/);
    // back to the group's 12,500 credits for both vendors together
    expect(allowedTogether("engineer")).toBeLessThanOrEqual(12_500);
    await expect(owner.getByTestId("job-log")).toContainText("grant ended at");
    await saveScreenshot(owner, "enforcement-after-expiry");
    resetServerClock();

    // switched off, the connectors write nothing more
    for (const v of ["chatgpt", "claude"] as const) {
      await act(owner, () =>
        owner.getByTestId(`connector-${v}`).getByRole("button", { name: "Switch off" }).click(),
      );
      await expect(owner.getByTestId(`status-${v}`)).toHaveText("off");
    }
    await owner.context().close();
  });

  test("only the owner reaches the Enforcement screen and its routes", async ({ browser }) => {
    for (const role of ["admin", "manager", "engineer"] as const) {
      const page = await pageAs(browser, role);
      expect((await page.goto("/enforcement"))?.status()).toBe(403);
      expect((await page.request.get("/api/enforcement")).status()).toBe(403);
      expect(
        (
          await page.request.post("/api/enforcement/actions", {
            data: { op: "pause", paused: true },
          })
        ).status(),
      ).toBe(403);
      await page.context().close();
    }
    // the owner acting on an id that is not theirs gets 404, never someone else's connector
    const owner = await pageAs(browser, "owner");
    expect(
      (
        await owner.request.post("/api/enforcement/actions", {
          data: { op: "plan", connectorId: "not-a-connector" },
        })
      ).status(),
    ).toBe(404);
    expect(
      (
        await owner.request.post("/api/enforcement/actions", {
          data: { op: "apply", planId: "not-a-plan" },
        })
      ).status(),
    ).toBe(404);
    await owner.context().close();
  });
});
