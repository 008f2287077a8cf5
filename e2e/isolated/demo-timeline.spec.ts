import { expect, test } from "@playwright/test";

import { E2E_NOW } from "../clock";
import { storageStateFor } from "../roles";

// Issue 17 "a demo that shows the product": the governed demo's audit log reads as weeks of
// use — the owner's default five weeks ago, the group limits over the following weeks, the
// alert rules, the overrides and the requests on the days they happened (lib/demo/governance.ts
// passes each step its time) — newest first in time order; and the owner has an alert channel
// that is plainly a demo. Read-only.

const DAY_MS = 86_400_000;

type Event = { id: number; at: string; actor: string; action: string };

test.describe("the governed demo's history", () => {
  test.use({ storageState: storageStateFor("owner") });

  test("audit events are spread over the seeded weeks, in time order, by the people who acted", async ({
    page,
  }) => {
    const res = await page.request.get("/api/audit?limit=500");
    expect(res.status()).toBe(200);
    const all = ((await res.json()) as { data: Event[] }).data;
    // newest first by time: the seed's sync (today) is written before the back-dated governance,
    // so an order by id put five weeks ago between today's events
    const times = all.map((e) => Date.parse(e.at));
    for (let i = 1; i < times.length; i++) expect(times[i]!).toBeLessThanOrEqual(times[i - 1]!);
    expect(new Set(all.map((e) => e.id)).size).toBe(all.length);
    // pages of 7 follow the same order, each after the previous page's last event
    const paged: number[] = [];
    for (let before = ""; ;) {
      const r = await page.request.get(`/api/audit?limit=7${before}`);
      const data = ((await r.json()) as { data: Event[] }).data;
      if (!data.length) break;
      paged.push(...data.map((e) => e.id));
      before = `&before=${data.at(-1)!.id}`;
    }
    expect(paged).toEqual(all.map((e) => e.id));
    // the Audit page opens on the newest event
    await page.goto("/audit");
    await expect(page.getByTestId("audit-row").first().locator("time")).toHaveAttribute(
      "datetime",
      all[0]!.at,
    );
    const events = all.filter(
      (e) =>
        e.action.startsWith("limit.") ||
        e.action.startsWith("request.") ||
        e.action.startsWith("alert_"),
    );
    const daysAgo = (e: Event) => Math.floor((E2E_NOW.getTime() - Date.parse(e.at)) / DAY_MS);
    const first = (action: string, actor: string) =>
      events.filter((e) => e.action === action && e.actor === actor).map(daysAgo);
    // the owner's default, five weeks back; the admin's limits from four weeks to two days back
    expect(first("limit.create", "owner@acme.example")).toEqual([34]);
    const admin = first("limit.create", "admin@acme.example");
    expect(Math.max(...admin)).toBe(27);
    expect(Math.min(...admin)).toBe(1);
    expect(first("alert_rules.update", "owner@acme.example")).toEqual([12]);
    // requests filed over the last nine days, not all at seed time
    const filed = events.filter((e) => e.action === "request.file").map(daysAgo);
    expect(filed.length).toBeGreaterThanOrEqual(6); // demo-governance.spec files one more today
    expect(new Set(filed).size).toBeGreaterThanOrEqual(5);
    expect(Math.max(...filed)).toBe(9);
    // the distinct days with a change: weeks of use, not one afternoon
    expect(new Set(events.map(daysAgo)).size).toBeGreaterThanOrEqual(12);
  });

  test("the owner's alert channel is there, named as a demo", async ({ page }) => {
    await page.goto("/alerts");
    const channels = page.getByTestId("channel-list");
    await expect(channels).toContainText("FinOps mail (demo: local mail catcher)");
    await expect(channels).toContainText("finops@acme.example");
    await page.goto("/settings/getting-started");
    await expect(page.getByText("1 channel receiving alerts.")).toBeVisible();
  });
});
