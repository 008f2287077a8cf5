import { expect, test, type Page } from "@playwright/test";

import { divRoundHalfEven, formatAmount, usdToCredits } from "../../lib/core/money";
import {
  startCursorFake,
  type CursorEvent,
  type CursorFake,
} from "../../tests/fake-vendors/cursor";
import {
  daysAfterNow,
  E2E_NOW,
  e2eDay,
  resetServerClock,
  serverNowMs,
  setServerClock,
} from "../clock";
import {
  act,
  expectImportedGroup,
  expectVendorNowOnScreen,
  giveRoom,
  previewAndApply,
  removePolicies,
} from "../enforcement-helpers";
import { sendRequest } from "../request-form";
import { pageAs } from "../roles";
import { saveScreenshot } from "../screenshots";

// Issue 19, the Cursor half: an owner connects the Cursor fake as a usage source and imports
// its usage (fractional cents) and billing groups, sees Cursor spend per person beside the
// other products,
// connects Cursor for enforcement, previews and applies a plan (whole dollars, rounded down),
// sees Cursor's own rule give every member Allotment's limit, changes one in Cursor's console
// and sees the drift, approves an engineer's request and sees Cursor's limit for them go up by
// the grant (in the fake's state and as "Cursor now" on the plan), and after the grant's end
// (server clock moved) sees it back at the value before. The demo workspace counts in credits
// at $0.04, so Cursor gets floor(credits × 0.04) dollars.
//
// Cleanup: the Cursor connector is switched off and the usage connection disabled at the end,
// and the limits this spec added are removed, so later journeys see no Cursor writes.

const KEY = "key_cursor_e2e_0123456789abcdef";
const PEOPLE = ["owner", "admin", "finance", "manager", "engineer"] as const;
const email = (local: string) => `${local}@acme.example`;
const USD_PER_CREDIT = 40_000n;

/** the engineer's request: 250 credits at $0.04 = $10, whole dollars, so Cursor gets all of it */
const GRANT_CREDITS = 250n;
const GRANT_DOLLARS = 10;

let cursor: CursorFake;
let createdDefault: string | null = null;
let roomOverride: string | null = null;

interface PlanItem {
  email: string;
  action: string;
  managed: boolean;
  targetMicros: string | null;
  targetText: string;
}
async function cursorPlan(page: Page): Promise<PlanItem[]> {
  const data = (await (await page.request.get("/api/enforcement")).json()) as {
    connectors: { vendor: string; plan: { items: PlanItem[] } | null }[];
  };
  return data.connectors.find((c) => c.vendor === "cursor")!.plan!.items;
}

/** Cursor's evaluation of what was written equals Allotment's answer for every managed member. */
async function expectCursorEqualsAllotment(page: Page) {
  const items = await cursorPlan(page);
  expect(items.length).toBeGreaterThanOrEqual(PEOPLE.length);
  for (const i of items.filter((x) => x.managed)) {
    const limit = cursor.effectiveLimit(i.email);
    expect({
      email: i.email,
      cursor: limit === null ? null : String(BigInt(limit) * 1_000_000n),
    }).toEqual({
      email: i.email,
      cursor: i.targetMicros,
    });
  }
}

function usageEvents(): CursorEvent[] {
  const out: CursorEvent[] = [];
  const cents = [2_136_232n, 12_500_125n, 987_654n, 31_337n, 4_000_003n];
  for (let d = 1; d <= 4; d++)
    for (const [i, who] of (["engineer", "admin"] as const).entries())
      out.push({
        timestampMs: daysAfterNow(-d).getTime() + i * 3_600_000,
        email: email(who),
        model: i ? "gpt-5" : "claude-4.5-sonnet",
        kind: "Usage-based",
        maxMode: false,
        isChargeable: true,
        chargedMicroCents: cents[(d + i) % cents.length]! * 10n,
        tokens: { input: 100, output: 200, cacheWrite: 300, cacheRead: 400 },
      });
  return out;
}

/** What the member page should show for a person's Cursor spend this month, in credits. */
function expectedCredits(who: string): string {
  const month = E2E_NOW.toISOString().slice(0, 7);
  let credits = 0n;
  for (const [k, t] of cursor.truth()) {
    const [day, mail] = k.split("|");
    if (mail === email(who) && day!.startsWith(month))
      credits += usdToCredits(divRoundHalfEven(t.chargeable, 100n), USD_PER_CREDIT);
  }
  return formatAmount(credits, "CREDITS");
}

test.describe.serial("Cursor: usage and member spend limits", () => {
  test.beforeAll(async ({ browser }) => {
    resetServerClock();
    cursor = await startCursorFake({
      keys: [KEY],
      rateClock: serverNowMs,
      members: [
        ...PEOPLE.map((p, i) => ({
          id: `user_${i}`,
          email: email(p),
          name: p,
          role: p === "owner" ? "owner" : "member",
          isRemoved: false,
        })),
        {
          id: "user_c",
          email: "casey@contractor.example",
          name: "Casey",
          role: "member",
          isRemoved: false,
        },
      ],
    });
    cursor.state.events = usageEvents();
    // a billing group (§3.6): imported as an Allotment group with its members on the team
    cursor.state.groups = [
      {
        id: "grp_agents",
        name: "Cursor Agents",
        emails: [email("engineer"), email("admin"), "left-the-team@acme.example"],
      },
    ];
    // a limit must exist for Allotment to manage anyone (409 when an earlier spec set one)
    const owner = await pageAs(browser, "owner");
    const res = await owner.request.post("/api/limits/policies", {
      data: { scope: "WORKSPACE", amount: "2500.75" },
    });
    expect([201, 409]).toContain(res.status());
    if (res.status() === 201) createdDefault = ((await res.json()) as { id: string }).id;
    await owner.context().close();
  });

  test.afterAll(async ({ browser }) => {
    resetServerClock();
    const owner = await pageAs(browser, "owner");
    await owner.goto("/enforcement");
    const card = owner.getByTestId("connector-cursor");
    if (await card.getByRole("button", { name: "Switch off" }).count())
      await act(owner, () => card.getByRole("button", { name: "Switch off" }).click());
    const list = (await (await owner.request.get("/api/connections")).json()) as {
      connections: { id: string; name: string }[];
    };
    const c = list.connections.find((x) => x.name === "Cursor team");
    if (c)
      expect(
        (
          await owner.request.patch(`/api/connections/${c.id}`, { data: { enabled: false } })
        ).status(),
      ).toBe(200);
    await removePolicies(owner, [roomOverride, createdDefault]);
    await owner.context().close();
    await cursor?.close();
  });

  test("the owner imports Cursor usage and sees each person's Cursor spend beside the other products", async ({
    browser,
  }) => {
    const page = await pageAs(browser, "owner");
    await page.goto("/connections");
    await page.locator('select[name="kind"]').selectOption("cursor");
    await page.locator('input[name="name"]').fill("Cursor team");
    await page.locator('input[name="baseUrl"]').fill(cursor.url);
    await page.locator('input[name="apiKey"]').fill(KEY);
    await page.locator('input[name="backfillFrom"]').fill(e2eDay(-10));
    await page.getByRole("button", { name: "Add connection" }).click();
    const conn = page.getByTestId("connection-Cursor team");
    await expect(conn).toContainText("Cursor");
    await conn.getByRole("button", { name: "Sync now" }).click();
    await expect(conn.getByTestId("connection-message")).toHaveText("Sync started");
    // the run happens in the background; the list refreshes itself while it runs
    await expect(conn.getByText("ok", { exact: true })).toBeVisible({ timeout: 90_000 });
    await expect(conn.getByTestId("key-masked")).not.toContainText(KEY);
    await saveScreenshot(page, "cursor-connection");

    const limits = (await (await page.request.get("/api/limits")).json()) as {
      members: { memberId: string; email: string }[];
    };
    const idOf = (mail: string) => limits.members.find((m) => m.email === mail)!.memberId;
    for (const who of ["engineer", "admin"] as const) {
      await page.goto(`/members/${idOf(email(who))}`);
      const row = page
        .getByRole("row")
        .filter({ hasText: /^Cursor/ })
        .first();
      await expect(row).toContainText(expectedCredits(who));
      if (who === "engineer") await saveScreenshot(page, "cursor-member-spend");
    }
    // the model breakdown names Cursor's models
    await expect(page.getByRole("row").filter({ hasText: "gpt-5" }).first()).toBeVisible();
    // the billing group is a group now, with the members who are on the team
    await expectImportedGroup(page, "Cursor Agents", "cursor", [
      idOf(email("admin")),
      idOf(email("engineer")),
    ]);
    await page.context().close();
  });

  test("the owner connects Cursor, previews and applies a plan; Cursor's rule then gives everyone Allotment's limit", async ({
    browser,
  }) => {
    const page = await pageAs(browser, "owner");
    await page.goto("/enforcement");
    const form = page.getByTestId("connect-cursor");
    await form.getByLabel(/Base URL/).fill(cursor.url);
    await form.getByLabel(/Admin API key/).fill(KEY);
    expect(
      await act(page, () => form.getByRole("button", { name: "Connect Cursor" }).click()),
    ).toContain("Connected");
    const card = page.getByTestId("connector-cursor");
    await expect(page.getByTestId("status-cursor")).toHaveText("off");
    await expect(card).not.toContainText(KEY);
    await expect(card).toContainText("whole dollars");
    expect(await act(page, () => card.getByRole("button", { name: "Switch on" }).click())).toMatch(
      /is on/,
    );
    expect(
      await act(page, () => card.getByRole("button", { name: "Preview plan" }).click()),
    ).toMatch(/Plan ready: [1-9]\d* change\(s\)/);
    const plan = page.getByTestId("plan-cursor");
    await expect(plan.getByTestId(`plan-row-${email("finance")}`)).toContainText(
      "(whole dollars, rounded down)",
    );
    await expect(plan.getByTestId(`plan-row-${email("finance")}`)).toContainText("no limit");
    expect(cursor.writes()).toHaveLength(0); // a preview writes nothing
    await saveScreenshot(page, "cursor-plan");

    const applied = await act(page, () =>
      page
        .getByTestId("plan-card-cursor")
        .getByRole("button", { name: /^Apply \d+ change/ })
        .click(),
    );
    expect(applied).toMatch(/[1-9]\d* written, 0 already in place, 0 failed/);
    // every write is whole dollars
    for (const w of cursor.writes())
      expect(Number.isInteger((w.body as { spendLimitDollars: number }).spendLimitDollars)).toBe(
        true,
      );
    expect(
      await act(page, () => card.getByRole("button", { name: "Preview plan" }).click()),
    ).toContain("Plan ready: 0 change(s)");
    await expectCursorEqualsAllotment(page);
    await expect(page.getByTestId("over-allowance-empty")).toBeVisible();
    await saveScreenshot(page, "cursor-applied");
    await page.context().close();
  });

  test("a limit changed in Cursor's console shows as drift, and re-apply puts Allotment's back", async ({
    browser,
  }) => {
    const page = await pageAs(browser, "owner");
    await page.goto("/enforcement");
    const before = cursor.effectiveLimit(email("admin"));
    cursor.consoleSetLimit(email("admin"), 5000);
    expect(
      await act(page, () => page.getByRole("button", { name: "Check vendors now" }).click()),
    ).toContain("1 member(s) differ");
    const row = page.getByTestId(`drift-cursor-${email("admin")}`);
    await expect(row).toContainText("changed at the vendor");
    await expect(row).toContainText("$5,000.00");
    await expect(page.getByTestId(`over-${email("admin")}`)).toBeVisible();
    await saveScreenshot(page, "cursor-drift");
    await act(page, () => row.getByRole("button", { name: "Re-apply" }).click());
    expect(cursor.effectiveLimit(email("admin"))).toBe(before);
    expect(
      await act(page, () => page.getByRole("button", { name: "Check vendors now" }).click()),
    ).toContain("The vendors agree with Allotment");
    await page.context().close();
  });

  test("an engineer's approved request raises their Cursor limit by the grant, and its end puts the old limit back", async ({
    browser,
  }) => {
    const owner = await pageAs(browser, "owner");
    // The demo engineer is over the workspace default, so a grant would only move Cursor's share
    // of an overspent limit. The owner first gives them room (an override of their spend this
    // month plus 1,000 credits) and Cursor takes it: then the grant shows at Cursor in full.
    roomOverride = await giveRoom(owner, email("engineer"), 1_000n);
    await owner.goto("/enforcement");
    await previewAndApply(owner, "cursor");
    const before = cursor.effectiveLimit(email("engineer"))!;
    expect(before).toBeGreaterThan(0);
    await expectVendorNowOnScreen(owner, "cursor", email("engineer"), before);
    await expectCursorEqualsAllotment(owner);

    const engineer = await pageAs(browser, "engineer");
    await engineer.goto("/requests");
    const { id } = await sendRequest(engineer, {
      amount: String(GRANT_CREDITS),
      neededUntil: e2eDay(3),
      reason: "Cursor agent runs for the migration",
    });
    await engineer.context().close();

    const manager = await pageAs(browser, "manager");
    await manager.goto("/requests");
    const item = manager.getByTestId(`queue-item-${id}`);
    await item.getByLabel("Amount to grant").fill(String(GRANT_CREDITS));
    await item.getByRole("button", { name: "Approve" }).click();
    await expect(item).toHaveCount(0);
    await manager.context().close();

    // the queue run tells Cursor: 250 credits at $0.04 = exactly $10 more (whole dollars, so
    // rounding down cannot eat any of it), on the number the owner sees as "Cursor now"
    await owner.goto("/enforcement");
    await act(owner, () => owner.getByRole("button", { name: "Run queue now" }).click());
    const raised = cursor.effectiveLimit(email("engineer"))!;
    expect(raised - before).toBe(GRANT_DOLLARS);
    expect(
      cursor
        .writes()
        .map((w) => w.body as { userEmail?: string; spendLimitDollars?: number })
        .filter((b) => b.userEmail === email("engineer"))
        .at(-1)?.spendLimitDollars,
    ).toBe(raised);
    await expectVendorNowOnScreen(
      owner,
      "cursor",
      email("engineer"),
      raised,
      "cursor-request-pushed",
    );
    await expectCursorEqualsAllotment(owner);

    // two days after the grant's last day (same month, so the same budget period and the same
    // spend): the queue run reverts it, and Cursor is back at the limit before the grant
    setServerClock(daysAfterNow(5));
    expect(
      await act(owner, () => owner.getByRole("button", { name: "Run queue now" }).click()),
    ).toMatch(/[1-9]\d* written, 0 failed/);
    expect(cursor.effectiveLimit(email("engineer"))).toBe(before);
    await expectVendorNowOnScreen(
      owner,
      "cursor",
      email("engineer"),
      before,
      "cursor-after-expiry",
    );
    await expectCursorEqualsAllotment(owner);
    const eng = (await cursorPlan(owner)).find((i) => i.email === email("engineer"))!;
    expect(eng.action).toBe("none");
    resetServerClock();
    await owner.context().close();
  });
});
