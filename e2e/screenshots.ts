import type { Page, TestInfo } from "@playwright/test";

/**
 * Pictures of the screens for people to look at (test-results/screenshots/<name>.png). Taken on a
 * developer's run; under CI only with E2E_SCREENSHOTS=1: nobody looks at them there, and a
 * full-page capture of a tall page costs the browser about a CPU-second, some 240 of them a run.
 * A failing test's screenshot is Playwright's own (playwright.config.ts) and is always taken.
 */
export const screenshotsTaken = !process.env.CI || process.env.E2E_SCREENSHOTS === "1";

export async function saveScreenshot(
  page: Page,
  name: string,
  options: { fullPage?: boolean; attachTo?: TestInfo } = {},
): Promise<void> {
  if (!screenshotsTaken) return;
  const body = await page.screenshot({
    fullPage: options.fullPage ?? true,
    path: `test-results/screenshots/${name}.png`,
  });
  await options.attachTo?.attach(name, { body, contentType: "image/png" });
}
