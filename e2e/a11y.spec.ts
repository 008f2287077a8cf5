import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";

import { ROLES, storageStateFor, type RoleName } from "./roles";

// Issue 17: every page each role reaches is scanned with axe-core (WCAG 2.1 A and AA); a
// serious or critical violation fails, named with the page and the element. Every page at
// 1440 px; at 800 px (the folded menu, tables scrolling in their cards) the owner's pages,
// who reaches nearly all of them, and each other role's landing page.
const DESKTOP = { width: 1440, height: 900 };
const NARROW = { width: 800, height: 900 };

/** The sidebar's screens (what this role is offered) and the detail pages one click away. */
async function pagesOf(page: Page): Promise<string[]> {
  await page.setViewportSize(DESKTOP);
  await page.goto("/overview");
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav).toBeVisible();
  const hrefs = await nav
    .getByRole("link")
    .evaluateAll((links) => links.map((a) => a.getAttribute("href") ?? ""));
  const pages = new Set(hrefs.filter((h) => h.startsWith("/")));
  if (pages.has("/members")) {
    for (const [list, pattern] of [
      ["/members", /^\/members\/[^/?#]+$/],
      ["/groups", /^\/groups\/[^/?#]+$/],
    ] as const) {
      await page.goto(list);
      const links = await page
        .locator("main a[href]")
        .evaluateAll((as) => as.map((a) => a.getAttribute("href") ?? ""));
      const first = links.find((h) => pattern.test(h));
      if (first) pages.add(first);
    }
  }
  return [...pages];
}

async function seriousViolations(page: Page, url: string, width: number): Promise<string[]> {
  await page.goto(url);
  await expect(page.locator("main")).toBeVisible();
  const result = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
    .analyze();
  const found = result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .flatMap((v) =>
      v.nodes
        .slice(0, 3)
        .map((n) => `${width}px ${url}: ${v.id} (${v.impact}) at ${n.target.join(" ")}`),
    );
  // printed as found, so a run that stops early still says what it saw
  for (const f of found) console.log(`[a11y] ${f}`);
  return found;
}

for (const role of Object.keys(ROLES) as RoleName[]) {
  test.describe(`accessibility as ${role}`, () => {
    test.use({ storageState: storageStateFor(role) });

    test(`the pages ${role} reaches have no serious or critical axe violation at 1440 px`, async ({
      page,
    }) => {
      test.setTimeout(600_000);
      const pages = await pagesOf(page);
      expect(pages.length).toBeGreaterThan(0);
      const found: string[] = [];
      for (const url of pages) found.push(...(await seriousViolations(page, url, DESKTOP.width)));
      expect(found, found.join("\n")).toEqual([]);
    });

    test(`${role === "owner" ? "the owner's pages" : `${role}'s landing page`} at 800 px (folded menu, tables scrolling in their cards)`, async ({
      page,
    }) => {
      test.setTimeout(600_000);
      const pages = await pagesOf(page);
      await page.setViewportSize(NARROW);
      const found: string[] = [];
      for (const url of role === "owner" ? pages : pages.slice(0, 1))
        found.push(...(await seriousViolations(page, url, NARROW.width)));
      expect(found, found.join("\n")).toEqual([]);
    });
  });
}
