/** Shared by the vendor enforcement journeys (ChatGPT/Claude, GitHub Copilot, Cursor). */
import { expect, type Page } from "@playwright/test";

import { formatAmount } from "../lib/core/money";
import { saveScreenshot } from "./screenshots";

/** A vendor's group (cost center, billing group) was imported with these members, and the Groups screen lists it. */
export async function expectImportedGroup(
  page: Page,
  name: string,
  source: string,
  memberIds: string[],
) {
  const groups = (await (await page.request.get("/api/groups")).json()) as {
    data: { name: string; source: string; members: { id: string }[] }[];
  };
  const group = groups.data.find((g) => g.name === name)!;
  expect(group.source).toBe(source);
  expect(group.members.map((m) => m.id).sort()).toEqual([...memberIds].sort());
  await page.goto("/groups");
  await expect(page.getByText(name).first()).toBeVisible();
}

/** Previews a vendor's plan on the Enforcement screen and applies it: changes planned, every one written. */
export async function previewAndApply(page: Page, vendor: string) {
  const card = page.getByTestId(`connector-${vendor}`);
  expect(await act(page, () => card.getByRole("button", { name: "Preview plan" }).click())).toMatch(
    /Plan ready: [1-9]\d* change\(s\)/,
  );
  expect(
    await act(page, () =>
      page
        .getByTestId(`plan-card-${vendor}`)
        .getByRole("button", { name: /^Apply \d+ change/ })
        .click(),
    ),
  ).toMatch(/[1-9]\d* written, 0 already in place, 0 failed/);
}

/** Clicks an Enforcement action and returns the outcome line the screen shows. */
export async function act(page: Page, click: () => Promise<void>): Promise<string> {
  const answer = page.waitForResponse(
    (r) => r.url().endsWith("/api/enforcement/actions") && r.request().method() === "POST",
    // a hang guard: an action may call a vendor fake several times with retries
    { timeout: 90_000 },
  );
  await click();
  const body = (await (await answer).json()) as { message?: string; error?: string };
  const text = body.message ?? body.error ?? "";
  await expect(page.getByTestId("enforcement-message")).toHaveText(text);
  return text;
}

/**
 * Gives a person room under their own limit: an override (all products) of their spend this
 * period plus `room` whole units of the workspace's budget. Returns the override's id, for the
 * spec to remove again.
 */
export async function giveRoom(page: Page, email: string, room: bigint): Promise<string> {
  const limits = (await (await page.request.get("/api/limits")).json()) as {
    members: { memberId: string; email: string; usedMicros: string | number }[];
  };
  const m = limits.members.find((x) => x.email === email)!;
  const amount = BigInt(String(m.usedMicros)) / 1_000_000n + room;
  const res = await page.request.post("/api/limits/policies", {
    data: { scope: "MEMBER", memberId: m.memberId, amount: String(amount), note: "e2e: room" },
  });
  expect(res.status()).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

/** Removes limit policies by id (those still there), as the owner. */
export async function removePolicies(page: Page, ids: (string | null)[]) {
  const overview = (await (await page.request.get("/api/limits")).json()) as {
    policies: { id: string; version: number }[];
  };
  for (const id of ids) {
    const p = overview.policies.find((x) => x.id === id);
    if (p) await page.request.delete(`/api/limits/policies/${p.id}?version=${p.version}`);
  }
}

/**
 * What the owner reads as "<Vendor> now" for one person on a freshly previewed plan that has
 * nothing left to change: `dollars` whole dollars (screenshot taken with the row shown).
 */
export async function expectVendorNowOnScreen(
  page: Page,
  vendor: "cursor" | "github",
  email: string,
  dollars: number,
  screenshot?: string,
) {
  // (a reload just before the click can lose it to hydration on a busy machine)
  if (!new URL(page.url()).pathname.endsWith("/enforcement")) await page.goto("/enforcement");
  expect(
    await act(page, () =>
      page.getByTestId(`connector-${vendor}`).getByRole("button", { name: "Preview plan" }).click(),
    ),
  ).toContain("Plan ready: 0 change(s)");
  const card = page.getByTestId(`plan-card-${vendor}`);
  // the list of people who already match is folded (and may be open still, or fold again when
  // the screen refetches after the action): open it until the row shows, then read it
  const same = card.getByTestId(`plan-${vendor}-same`);
  const row = card.getByTestId(`plan-row-${email}`);
  const rowShown = async () => {
    if ((await same.getAttribute("open")) === null) await same.locator("summary").click();
    await expect(row).toBeVisible({ timeout: 1_000 });
  };
  await expect(rowShown).toPass();
  await expect(row.locator("td").nth(1)).toContainText(
    formatAmount(BigInt(dollars) * 1_000_000n, "USD"),
  );
  if (screenshot) {
    await page.waitForLoadState("networkidle");
    await expect(rowShown).toPass();
    await saveScreenshot(page, screenshot);
  }
}
