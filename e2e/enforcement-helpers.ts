/** Shared by the vendor enforcement journeys (ChatGPT/Claude, GitHub Copilot, Cursor). */
import { expect, type Browser, type Page } from "@playwright/test";

import { storageStateFor, type RoleName } from "./roles";

export async function pageAs(browser: Browser, role: RoleName): Promise<Page> {
  const context = await browser.newContext({ storageState: storageStateFor(role) });
  return context.newPage();
}

export async function shot(page: Page, name: string) {
  await page.screenshot({ fullPage: true, path: `test-results/screenshots/${name}.png` });
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
