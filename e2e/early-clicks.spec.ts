import { expect, test, type Page } from "@playwright/test";

import { storageStateFor } from "./roles";

// A click made while a page is still loading (its HTML shown, its script not yet run) is kept
// and acted on once the page works (components/early-clicks.tsx). Each journey holds the page's
// scripts back, clicks, checks nothing has happened yet, then lets the scripts through.

/** Opens `path` with its JavaScript held back until the returned function is called. */
async function openWithScriptsHeld(page: Page, path: string): Promise<() => void> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  await page.route(/\/_next\/static\/.+\.js(\?|$)/, async (route) => {
    await released;
    await route.continue();
  });
  await page.goto(path, { waitUntil: "domcontentloaded" });
  return release;
}

test.describe("clicks made while a page loads", () => {
  test.describe("admin", () => {
    test.use({ storageState: storageStateFor("admin") });

    test("Set limit clicked before the page works opens its dialog once it does", async ({
      page,
    }) => {
      const res = await page.request.get("/api/members?q=engineer%40acme.example");
      expect(res.status()).toBe(200);
      const [engineer] = ((await res.json()) as { rows: { id: string; name: string }[] }).rows;
      expect(engineer).toBeDefined();

      const release = await openWithScriptsHeld(page, `/members/${engineer!.id}`);
      const dialog = page.getByRole("dialog", { name: `Limit for ${engineer!.name}` });
      await page.getByRole("button", { name: `Set limit for ${engineer!.name}` }).click();
      // nothing can act yet: the page's scripts have not arrived
      expect(await page.evaluate(() => document.querySelector("dialog[open]") === null)).toBe(true);
      release();
      await expect(dialog).toBeVisible();
      await expect(dialog.getByLabel(/^Limit \(/)).toBeVisible();
      await dialog.getByRole("button", { name: "Cancel" }).click();
      await expect(dialog).toBeHidden();
    });
  });

  test.describe("finance", () => {
    test.use({ storageState: storageStateFor("finance") });

    test("a checkbox ticked before the page works stays ticked", async ({ page }) => {
      const release = await openWithScriptsHeld(page, "/exports");
      const box = page.getByTestId("group-by-group");
      await expect(box).not.toBeChecked();
      await box.click();
      release();
      // once the page works the tick is the app's too, not only the browser's: the download
      // groups by it (a tick the app never saw would show while the CSV left it out)
      await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
      await expect(box).toBeChecked();
      await expect(page.getByTestId("download-chargeback")).toHaveAttribute(
        "href",
        /group_by=cost_center%2Cgroup(&|$)/,
      );
    });
  });
});
