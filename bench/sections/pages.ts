/**
 * Pages: what a person waits for, not just the queries behind it. Chromium (Playwright, the
 * e2e suite's browser) opens the screens on the production server (bench/server.ts) as the
 * owner and as a group manager: Overview, Usage by every dimension, a member, a group,
 * Limits, Requests and (the owner only: managers may not export) Exports. Per page, over warm
 * navigations (one first visit per page, which also fills the browser's cache of the app's
 * scripts, is not counted): time from the navigation's start to its main content being
 * visible, and to that content being interactive (React has hydrated it: its event handlers
 * are attached), p50/p95; and the bytes the page loads (its document and React Server
 * Component payloads, the JSON its client code fetches). A check that the pages agree:
 * Overview's spend this period is Usage's total for the same (default) period, for each role.
 * `--small` (the CI smoke run) opens fewer pages, once each after the first visit; a page
 * whose first visit takes over 5 s is measured 3 times instead of 10.
 */
import { chromium, type Page, type Response } from "@playwright/test";

import { CHROMIUM_ARGS, chromiumPath } from "../../e2e/browser";
import { benchServer, signIn } from "../server";
import { latency, loadAverage } from "../stats";
import type { BenchContext, Section } from "./index";

interface PageSpec {
  name: string;
  path: string;
  /** CSS selector of the page's main content */
  main: string;
  /** what the main element's text must match too (a heading shared by several cards) */
  text?: string;
}

/** A first visit slower than this: the page is measured 3 times, not 10. */
const SLOW_MS = 5_000;

interface Navigation {
  /** ms from navigation start: main content laid out and visible */
  visible: number;
  /** ms from navigation start: main content hydrated (its handlers attached) */
  interactive: number;
}

/**
 * Runs in the page on every animation frame until the main content is visible and hydrated:
 * the first frame it was visible and the frame it was also hydrated, in ms since the
 * navigation started (performance.now()).
 */
function mainReady(spec: { main: string; text?: string }): Navigation | false {
  const w = window as unknown as { __benchVisibleAt?: number };
  const candidates = [...document.querySelectorAll(spec.main)];
  const el = spec.text
    ? candidates.find((e) => new RegExp(spec.text!).test(e.textContent ?? ""))
    : candidates[0];
  if (!el) return false;
  const box = el.getBoundingClientRect();
  if (box.width === 0 || box.height === 0) return false;
  w.__benchVisibleAt ??= performance.now();
  const hydrated = Object.keys(el).some(
    (k) => k.startsWith("__reactProps$") || k.startsWith("__reactFiber$"),
  );
  return hydrated ? { visible: w.__benchVisibleAt, interactive: performance.now() } : false;
}

/** Bytes a navigation loaded, by kind (responses the browser's cache answered included: none of these are cached). */
interface Loaded {
  json_bytes: number;
  json_requests: number;
  document_bytes: number;
  rsc_bytes: number;
}

async function open(page: Page, url: string, spec: PageSpec, countBytes: boolean) {
  const loaded: Loaded = { json_bytes: 0, json_requests: 0, document_bytes: 0, rsc_bytes: 0 };
  const pending: Promise<void>[] = [];
  const onResponse = (r: Response) => {
    const type = r.headers()["content-type"] ?? "";
    const kind = type.includes("json")
      ? "json"
      : type.includes("text/x-component")
        ? "rsc"
        : r.request().resourceType() === "document"
          ? "document"
          : null;
    if (!kind) return;
    pending.push(
      r.body().then(
        (body) => {
          if (kind === "json") {
            loaded.json_bytes += body.length;
            loaded.json_requests++;
          } else if (kind === "rsc") loaded.rsc_bytes += body.length;
          else loaded.document_bytes += body.length;
        },
        () => {}, // a redirect or an aborted prefetch has no body
      ),
    );
  };
  if (countBytes) page.on("response", onResponse);
  try {
    // hang guards, not timings: on 20,000 people a page has taken 30 s on a busy machine
    const response = await page.goto(url, { waitUntil: "commit", timeout: 180_000 });
    if (!response || response.status() >= 400)
      throw new Error(`${url} answered ${response?.status() ?? "nothing"}`);
    const ready = await page.waitForFunction(mainReady, spec, { polling: "raf", timeout: 180_000 });
    const timing = (await ready.jsonValue()) as Navigation;
    if (new URL(page.url()).pathname !== new URL(url).pathname)
      throw new Error(`${url} went to ${page.url()}`);
    if (countBytes) {
      // everything the page fetches after its main content (other cards' data) counts too
      await page.waitForLoadState("networkidle");
      await Promise.all(pending);
    }
    return { timing, loaded };
  } finally {
    if (countBytes) page.off("response", onResponse);
  }
}

async function text(page: Page, testId: string): Promise<string> {
  return (await page.getByTestId(testId).innerText()).trim();
}

export const pagesSection: Section = {
  name: "pages",
  async run(ctx: BenchContext) {
    const { base } = await benchServer(ctx);
    const group = await ctx.db.group.findFirstOrThrow({
      where: { workspaceId: ctx.workspaceId, name: "Platform" },
      select: { id: true },
    });
    // a person in the manager's group (the simulator puts the demo engineer in Platform)
    const member = await ctx.db.member.findFirstOrThrow({
      where: { workspaceId: ctx.workspaceId, email: "engineer@bench.example" },
      select: { id: true },
    });
    const usage = (dimension: string): PageSpec => ({
      name: `usage_${dimension}`,
      path: `/usage?dimension=${dimension}`,
      main: '[data-testid="usage-table"]',
    });
    const all: Record<string, PageSpec> = {
      overview: { name: "overview", path: "/overview", main: '[data-testid="daily-chart"]' },
      ...Object.fromEntries(
        ["member", "group", "costCenter", "product", "model"].map((d) => [`usage_${d}`, usage(d)]),
      ),
      member: {
        name: "member",
        path: `/members/${member.id}`,
        main: '[data-testid="member-spent"]',
      },
      group: { name: "group", path: `/groups/${group.id}`, main: '[data-testid="group-members"]' },
      limits: { name: "limits", path: "/limits", main: '[data-testid="groups-table"]' },
      requests: { name: "requests", path: "/requests", main: "h2", text: "^Inbox" },
      exports: {
        name: "exports",
        path: "/exports",
        main: '[data-testid="export-total-billed"]',
      },
    };
    const pick = (names: string[]) => names.map((n) => all[n]!);
    // BENCH_PAGES=limits,group: only those pages (a change's before and after, back to back)
    const only = process.env.BENCH_PAGES?.split(",").filter(Boolean);
    const chosen = (list: PageSpec[]) => (only ? list.filter((p) => only.includes(p.name)) : list);
    const roles = ctx.small
      ? {
          owner: pick([
            "overview",
            "usage_member",
            "member",
            "group",
            "limits",
            "requests",
            "exports",
          ]),
          manager: pick(["overview", "usage_member", "group"]),
        }
      : {
          owner: chosen(Object.values(all)),
          manager: chosen(Object.values(all).filter((p) => p.name !== "exports")),
        };
    const measured = ctx.small ? 1 : 10;

    const groupCount = await ctx.db.group.count({ where: { workspaceId: ctx.workspaceId } });
    let limitsGroupRows: { shown: number; groups: number } | null = null;
    const loadBefore = loadAverage();
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? chromiumPath(),
      args: CHROMIUM_ARGS,
    });
    try {
      const out: Record<string, unknown> = {};
      const agreement: Record<string, { overview: string; usage: string; agree: boolean }> = {};
      for (const [role, pages] of Object.entries(roles)) {
        const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
        const jar = await signIn(base, `${role}@bench.example`);
        await context.addCookies([...jar].map(([name, value]) => ({ name, value, url: base })));
        const page = await context.newPage();
        const results: Record<string, unknown> = {};
        const shown: Record<string, string> = {};
        for (const spec of pages) {
          // the first visit: fills the browser's script cache and the server's; its bytes are the page's
          const first = await open(page, `${base}${spec.path}`, spec, true);
          if (spec.name === "overview") shown.overview = await text(page, "spent-this-period");
          if (spec.name === "usage_member") shown.usage = await text(page, "usage-total");
          if (spec.name === "limits" && role === "owner") {
            // the owner's groups table renders its first rows, then the rest: all of them come
            const rows = '[data-testid="groups-table"] tbody tr';
            await page
              .waitForFunction(
                (a) => document.querySelectorAll(a.rows).length === a.n,
                { rows, n: groupCount },
                { timeout: 60_000 },
              )
              .catch(() => {});
            limitsGroupRows = {
              shown: await page.locator(rows).count(),
              groups: groupCount,
            };
          }
          const visible: number[] = [];
          const interactive: number[] = [];
          // a page that takes seconds is measured fewer times (its p95 is then its slowest)
          const times = first.timing.interactive > SLOW_MS ? Math.min(measured, 3) : measured;
          for (let i = 0; i < times; i++) {
            const { timing } = await open(page, `${base}${spec.path}`, spec, false);
            visible.push(timing.visible);
            interactive.push(timing.interactive);
          }
          results[spec.name] = {
            path: spec.path.replace(/[a-z0-9]{20,}/g, ":id"),
            visible: latency(visible),
            interactive: latency(interactive),
            first_visit_interactive_ms: Math.round(first.timing.interactive),
            ...first.loaded,
          };
          ctx.log(`pages ${role} ${spec.name}: ${JSON.stringify(results[spec.name])}`);
        }
        agreement[role] = {
          overview: shown.overview ?? "",
          usage: shown.usage ?? "",
          agree: !!shown.overview && shown.overview === shown.usage,
        };
        out[role] = results;
        await context.close();
      }
      return {
        browser: "chromium (headless, e2e/browser.ts)",
        warm_navigations_per_page: measured,
        // 1-minute load average before and after: the machine's other work stretches page times
        load_average: [loadBefore, loadAverage()],
        ...out,
        overview_equals_usage_total: agreement,
        // the owner's Limits screen shows every group once its first rows are interactive
        limits_group_rows: limitsGroupRows,
        // not checked when BENCH_PAGES leaves Overview or Usage by member out
        pages_agree:
          (only ? null : Object.values(agreement).every((a) => a.agree)) !== false &&
          (!limitsGroupRows || limitsGroupRows.shown === limitsGroupRows.groups),
      };
    } finally {
      await browser.close();
    }
  },
};
