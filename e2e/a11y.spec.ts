import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";

import { ROLES, storageStateFor, type RoleName } from "./roles";

// Issue 17: every page each role reaches is scanned with axe-core (WCAG 2.1 A and AA); a
// serious or critical violation fails, named with the page and the element. At 1440 px each
// role's landing page (it differs by role) and every page no role before it in this file has
// scanned: the owner, first, reaches nearly all of them, and the others' views of a shared
// page use the same components. At 800 px (the folded menu, tables scrolling in their cards)
// each role's landing page, and the owner's pages whose tables scroll in their cards.
const DESKTOP = { width: 1440, height: 900 };
const NARROW = { width: 800, height: 900 };
/** Pages scanned at 1440 px so far in this run (the roles' tests run in order, in one worker). */
const scanned = new Set<string>();

/** The sidebar's screens (what this role is offered) and the detail pages one click away. */
async function pagesOf(page: Page): Promise<string[]> {
  await page.setViewportSize(DESKTOP);
  await page.goto("/"); // redirects to the role's landing page, which comes first
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav).toBeVisible();
  const hrefs = await nav
    .getByRole("link")
    .evaluateAll((links) => links.map((a) => a.getAttribute("href") ?? ""));
  const pages = new Set([new URL(page.url()).pathname, ...hrefs.filter((h) => h.startsWith("/"))]);
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

async function seriousViolations(
  page: Page,
  url: string,
  width: number,
  opts: { onlyScrollingTables?: boolean } = {},
): Promise<string[]> {
  await page.goto(url);
  await expect(page.locator("main")).toBeVisible();
  if (opts.onlyScrollingTables) {
    await page.waitForLoadState("networkidle"); // tables that load after the page
    const scrolls = await page.locator("main table").evaluateAll((tables) =>
      tables.some((t) => {
        const box = t.closest('[role="region"]') ?? t.parentElement; // components/ui/scroll-area
        return box !== null && box.scrollWidth > box.clientWidth;
      }),
    );
    if (!scrolls) return [];
  }
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

    test(`the pages ${role} reaches (those not scanned for a role above) have no serious or critical axe violation at 1440 px`, async ({
      page,
    }) => {
      test.setTimeout(600_000);
      const pages = await pagesOf(page);
      expect(pages.length).toBeGreaterThan(0);
      const toScan = pages.filter((url, i) => i === 0 || !scanned.has(url));
      const found: string[] = [];
      for (const url of toScan) {
        found.push(...(await seriousViolations(page, url, DESKTOP.width)));
        scanned.add(url);
      }
      expect(found, found.join("\n")).toEqual([]);
    });

    test(`${role === "owner" ? "the owner's pages whose tables scroll" : `${role}'s landing page`} at 800 px (folded menu, tables scrolling in their cards)`, async ({
      page,
    }) => {
      test.setTimeout(600_000);
      const pages = await pagesOf(page);
      await page.setViewportSize(NARROW);
      const found: string[] = [];
      for (const [i, url] of pages.entries()) {
        if (i > 0 && role !== "owner") break;
        found.push(
          ...(await seriousViolations(page, url, NARROW.width, { onlyScrollingTables: i > 0 })),
        );
      }
      expect(found, found.join("\n")).toEqual([]);
    });
  });
}
