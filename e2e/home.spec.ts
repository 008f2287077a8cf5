import { expect, test } from "@playwright/test";

import { e2eDay } from "./clock";
import { deletePolicy } from "./policies";
import { pageAs } from "./roles";
import { saveScreenshot } from "./screenshots";

// Issue 17 "One engineer home": the engineer's My budget shows the limit as a meter with its
// source in words, what remains, the reset day and — when the pace runs past the limit before
// the period ends — the "at this pace you reach your limit on D" banner with Request more in
// it, which opens the request form prefilled. Every role has the same home, for themselves.
// State: the override this journey sets is deleted and its request cancelled in afterAll, so
// the specs after it (limits.spec.ts expects the engineer without an override) see nothing.

const M = 1_000_000n;
const REASON = "Finishing the flaky-test triage agent before the release freeze";

/** formatAmount's credits form: 1234567890n → "1,234.57 credits" (to the cent, half-even). */
function credits(micros: bigint): string {
  const q = micros / 10_000n;
  const r = micros % 10_000n;
  const cents = r > 5_000n || (r === 5_000n && q % 2n === 1n) ? q + 1n : q;
  const whole = (cents / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${whole}.${(cents % 100n).toString().padStart(2, "0")} credits`;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

test.describe.serial("My budget", () => {
  let policyId = "";
  let limitMicros = 0n;
  let usedMicros = 0n;
  let requestId = 0;

  test.beforeAll(async ({ browser }) => {
    // an override a little above what the engineer has spent: the pace so far runs past it
    // before the period ends
    const admin = await pageAs(browser, "admin");
    const overview = (await (await admin.request.get("/api/limits")).json()) as {
      members: { memberId: string; email: string; usedMicros: string }[];
    };
    const me = overview.members.find((m) => m.email === "engineer@acme.example")!;
    usedMicros = BigInt(me.usedMicros);
    expect(usedMicros).toBeGreaterThan(0n);
    const whole = (usedMicros * 6n) / 5n / M + 1n; // 120% of the spend, whole credits
    limitMicros = whole * M;
    const res = await admin.request.post("/api/limits/policies", {
      data: {
        scope: "MEMBER",
        memberId: me.memberId,
        amount: whole.toString(),
        note: "home journey",
      },
    });
    expect(res.status()).toBe(201);
    policyId = ((await res.json()) as { id: string }).id;
    await admin.context().close();
  });

  test.afterAll(async ({ browser }) => {
    const engineer = await pageAs(browser, "engineer");
    // the request filed from the banner is withdrawn: no pending request is left for later specs
    if (requestId)
      expect((await engineer.request.post(`/api/requests/${requestId}/cancel`)).status()).toBe(200);
    await engineer.context().close();
    const admin = await pageAs(browser, "admin");
    const overview = (await (await admin.request.get("/api/limits")).json()) as {
      policies: { id: string; version: number }[];
    };
    const p = overview.policies.find((x) => x.id === policyId);
    if (p) await deletePolicy(admin, p);
    await admin.context().close();
  });

  test("the engineer sees the meter, remaining, reset day and the forecast banner; Request more from the banner opens the form prefilled", async ({
    browser,
  }) => {
    const page = await pageAs(browser, "engineer");
    await page.goto("/me");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("My budget");
    const meter = page.getByTestId("member-limit");
    await expect(meter.getByTestId("my-limit")).toHaveText(credits(limitMicros));
    await expect(meter.getByTestId("limit-source")).toHaveText("your override");
    await expect(meter.getByTestId("my-limit-reason")).toContainText("home journey");
    await expect(meter.getByRole("meter")).toBeVisible();
    await expect(meter.getByTestId("my-used")).toHaveText(credits(usedMicros));
    await expect(meter.getByTestId("my-remaining")).toHaveText(credits(limitMicros - usedMicros));
    // the period is the calendar month of the pinned today: it resets on the 1st of the next
    const today = e2eDay(0);
    const [y, mo] = today.split("-").map(Number) as [number, number];
    const next = new Date(Date.UTC(y, mo, 1));
    const days = Math.round((next.getTime() - Date.parse(`${today}T00:00:00Z`)) / 86_400_000);
    await expect(meter.getByTestId("my-reset")).toHaveText(
      `on 1 ${MONTHS[next.getUTCMonth()]}${next.getUTCFullYear() === y ? "" : ` ${next.getUTCFullYear()}`}, in ${days} days`,
    );
    const banner = page.getByTestId("forecast-banner");
    await expect(banner).toContainText(/^At this pace you reach your limit on \d{1,2} \w{3} \(/);
    await page.setViewportSize({ width: 1440, height: 900 });
    await saveScreenshot(page, "home-engineer-1440");
    await page.setViewportSize({ width: 800, height: 900 });
    await saveScreenshot(page, "home-engineer-800");
    await page.setViewportSize({ width: 1440, height: 900 });

    await banner.getByTestId("banner-request-more").click();
    const drawer = banner.getByTestId("request-drawer");
    const form = drawer.getByTestId("request-form");
    await expect(form).toBeVisible();
    // prefilled with what the projection overshoots the limit by (whole credits, above zero)
    const amount = form.locator('input[name="amount"]');
    await expect(amount).toHaveValue(/^[1-9]\d*$/);
    await saveScreenshot(page, "home-engineer-drawer", { fullPage: false });
    await form.locator('textarea[name="reason"]').fill(REASON);
    await form.getByRole("button", { name: "Send request" }).click();
    const sent = await form.getByTestId("request-sent").innerText();
    requestId = Number(/#(\d+)/.exec(sent)![1]);
    await drawer.getByRole("button", { name: "Close" }).click();
    await expect(drawer).toBeHidden();
    const row = page.getByTestId(`home-request-${requestId}`);
    await expect(row.getByTestId("request-status")).toHaveText("pending");
    await page.context().close();
  });

  test("the owner's My budget is their own: their limit and none of the engineer's requests", async ({
    browser,
  }) => {
    const page = await pageAs(browser, "owner");
    await page.goto("/me");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("My budget");
    const meter = page.getByTestId("member-limit");
    await expect(meter.getByTestId("my-limit")).toBeVisible();
    // where the limit comes from, or — with none — that nothing caps the owner's spend
    await expect(meter.getByTestId(/^(limit-source|no-limit-note)$/).first()).toHaveText(
      /^(your override|group .+|workspace default|no personal limit|Nothing caps your spend.*)$/,
    );
    // the owner's own figure, not the engineer's override
    await expect(meter).not.toContainText("home journey");
    await expect(page.getByTestId(`home-request-${requestId}`)).toHaveCount(0);
    await saveScreenshot(page, "home-owner-1440");
    await page.setViewportSize({ width: 800, height: 900 });
    await saveScreenshot(page, "home-owner-800");
    await page.context().close();
  });
});
