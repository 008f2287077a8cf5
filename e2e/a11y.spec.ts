import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";

import { ROLES, storageStateFor, type RoleName } from "./roles";

// Issue 17: every page each role reaches is scanned with axe-core (WCAG 2.1 A and AA) at a
// desktop and a narrow width; a serious or critical violation fails the scan, named with
// the page and the element so it can be fixed.
const WIDTHS = [
  { width: 1440, height: 900 },
  { width: 800, height: 900 },
] as const;

/** The sidebar's screens (what this role is offered) and the detail pages one click away. */
async function pagesOf(page: Page): Promise<string[]> {
  await page.setViewportSize(WIDTHS[0]);
  await page.goto("/overview");
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav).toBeVisible();
  const hrefs = await nav
    .getByRole("link")
    .evaluateAll((links) => links.map((a) => a.getAttribute("href") ?? ""));
  const pages = new Set(hrefs.filter((h) => h.startsWith("/")));
  for (const [list, pattern] of [
    ["/members", /^\/members\/[^/?#]+$/],
    ["/groups", /^\/groups\/[^/?#]+$/],
  ] as const) {
    if (!pages.has(list) && !(list === "/groups" && pages.has("/members"))) continue;
    await page.goto(list);
    const detail = await page
      .locator("main a[href]")
      .evaluateAll((links) => links.map((a) => a.getAttribute("href") ?? ""));
    const first = detail.find((h) => pattern.test(h));
    if (first) pages.add(first);
  }
  return [...pages];
}

async function seriousViolations(page: Page, url: string): Promise<string[]> {
  await page.goto(url);
  await page.waitForLoadState("networkidle");
  const result = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
    .analyze();
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .flatMap((v) =>
      v.nodes.slice(0, 3).map((n) => `${url}: ${v.id} (${v.impact}) at ${n.target.join(" ")}`),
    );
}

for (const role of Object.keys(ROLES) as RoleName[]) {
  test.describe(`accessibility as ${role}`, () => {
    test.use({ storageState: storageStateFor(role) });

    test(`every page ${role} reaches has no serious or critical axe violation at 1440 and 800 px`, async ({
      page,
    }) => {
      test.setTimeout(300_000);
      const pages = await pagesOf(page);
      expect(pages.length).toBeGreaterThan(0);
      const found: string[] = [];
      for (const size of WIDTHS) {
        await page.setViewportSize(size);
        for (const url of pages)
          found.push(...(await seriousViolations(page, url)).map((f) => `${size.width}px ${f}`));
      }
      expect(found, found.join("\n")).toEqual([]);
    });
  });
}
