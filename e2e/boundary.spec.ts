import fs from "node:fs";
import path from "node:path";

import {
  expect,
  request as playwrightRequest,
  test,
  type APIRequestContext,
  type APIResponse,
} from "@playwright/test";

import type { BoundaryFixture } from "./fixtures/boundary-fixture";
import { runFixtureScript } from "./fixtures/run-fixture";
import { ROLES, storageStateFor, type RoleName } from "./roles";

// Issue 15 "controls that hold": a walker generated from the filesystem. Every route handler
// under app/api (its exported HTTP methods, dynamic segments filled with real ids of Acme
// Engineering) is sent, as every role and signed out, the bad requests a browser or a client
// can make: a truncated JSON body, a JSON body as text/plain, a form body, the same request
// from another site; GET routes get non-dates, impossible days and huge numbers in every
// date/number field. Every answer must be a 4xx with a JSON `error` (never 5xx, never 2xx for
// a bad one), and nothing may be written (the owner's last audit event and the records the
// walk aims at are compared before and after). Bearer routes (/api/v1/*) are walked with a
// token that has every scope. Unit tests: lib/http/*.test.ts.

const APP_API = path.join(process.cwd(), "app", "api");
const SKIP = new Set(["/api/auth/[...nextauth]"]);
const STATE_CHANGING = ["POST", "PUT", "PATCH", "DELETE"] as const;
const METHOD_EXPORT =
  /export\s+(?:const|async\s+function|function)\s+(GET|HEAD|OPTIONS|POST|PUT|PATCH|DELETE)\b/g;

interface RouteInfo {
  /** e.g. /api/alerts/channels/[id] */
  pattern: string;
  methods: string[];
  bearer: boolean;
  /** the handler reads its query string: a bad one must be refused */
  readsQuery: boolean;
}

/** Every app/api/**\/route.ts with the methods it exports. */
function discoverRoutes(): RouteInfo[] {
  const out: RouteInfo[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name === "route.ts") {
        const rel = path
          .relative(path.join(process.cwd(), "app"), path.dirname(full))
          .split(path.sep);
        const pattern = "/" + rel.filter((s) => !/^\(.*\)$/.test(s)).join("/");
        if (SKIP.has(pattern)) continue;
        const source = fs.readFileSync(full, "utf8");
        const methods = [...new Set([...source.matchAll(METHOD_EXPORT)].map((m) => m[1]!))];
        out.push({
          pattern,
          methods,
          bearer: pattern.startsWith("/api/v1/"),
          readsQuery: /searchParams/.test(source),
        });
      }
    }
  };
  walk(APP_API);
  return out.sort((a, b) => a.pattern.localeCompare(b.pattern));
}

function runBoundaryFixture<T>(...args: string[]): T {
  return runFixtureScript<T>("e2e/fixtures/boundary-fixture.ts", ...args);
}

/** Fills [id] with the real record of that kind (the walk must not write to it). */
function urlOf(pattern: string, f: BoundaryFixture): string {
  return pattern.replace(/\/([^/]+)\/\[([^\]]+)\]/g, (_m, parent: string) => {
    const id: Record<string, string | number> = {
      channels: f.channelId,
      groups: f.groupId,
      members: f.memberId,
      policies: f.policyId,
      requests: f.requestId,
      "credit-requests": f.requestId,
      connections: f.connectionId,
      tokens: f.tokenId,
      "rate-card": f.rateCardEntryId,
      notifications: f.notificationIds[0] ?? "none",
    };
    if (!(parent in id))
      throw new Error(
        `boundary walk: no plausible id for a dynamic segment after /${parent}/ — add one to urlOf`,
      );
    return `/${parent}/${id[parent]}`;
  });
}

const MALFORMED_JSON = '{"amount":"5","note":"x"';
const VALID_LOOKING_JSON = '{"amount":"5","note":"x"}';
const FORM = "amount=5&note=x";
const EVIL = { origin: "https://evil.example", "sec-fetch-site": "cross-site" };

/** Every date/number field any GET route reads, all bad at once (so no variant is a valid request). */
const BAD_QUERIES: Record<string, string> = {
  "non-dates":
    "range=custom&from=2026-12-01&to=x&period=custom&start=x&end=y&status=x&limit=x&before=x&page=x&pageSize=x",
  "impossible days":
    "range=custom&from=2026-02-31&to=2026-03-01&period=custom&start=2026-02-31&end=2026-03-01&status=2026-02-31&limit=0&before=0&page=0",
  "far-future unix seconds":
    "range=custom&from=253402300800&to=253402300800&period=custom&start=253402300800&end=253402300801&status=253402300800&limit=253402300800&before=-1&page=253402300800",
  "1e10000000":
    "range=1e10000000&from=1e10000000&to=1e10000000&period=1e10000000&start=1e10000000&end=1e10000000&status=1e10000000&limit=1e10000000&before=1e10000000&page=1e10000000&pageSize=1e10000000",
  "huge integers":
    "range=custom&from=99999999999999999999&to=99999999999999999999&period=custom&start=99999999999999999999&end=99999999999999999999&status=99999999999999999999&limit=99999999999999999999&before=2147483648&page=99999999999999999999",
};

type Who = RoleName | "anonymous";
const WHO: Who[] = [...(Object.keys(ROLES) as RoleName[]), "anonymous"];

async function contextFor(who: Who): Promise<APIRequestContext> {
  const baseURL = test.info().project.use.baseURL!;
  return playwrightRequest.newContext({
    baseURL,
    storageState: who === "anonymous" ? { cookies: [], origins: [] } : storageStateFor(who),
  });
}

/** A 4xx with a JSON error message — or the reason it is not. */
async function refusalProblem(res: APIResponse): Promise<string | null> {
  const status = res.status();
  const text = await res.text();
  if (status < 400 || status >= 500) return `answered ${status}: ${text.slice(0, 160)}`;
  try {
    const body = JSON.parse(text) as { error?: unknown };
    if (typeof body.error !== "string" || body.error.trim() === "")
      return `${status} without a JSON error message: ${text.slice(0, 160)}`;
  } catch {
    return `${status} with a non-JSON body: ${text.slice(0, 160)}`;
  }
  return null;
}

async function errorOf(res: APIResponse): Promise<string> {
  try {
    return String(((await res.json()) as { error?: unknown }).error ?? "");
  } catch {
    return "";
  }
}

async function fieldOf(res: APIResponse): Promise<string> {
  try {
    return String(((await res.json()) as { field?: unknown }).field ?? "");
  } catch {
    return "";
  }
}

/** Everything the walk could write to, seen by the owner, the engineer and the token. */
async function snapshot(
  owner: APIRequestContext,
  engineer: APIRequestContext,
  bearer: Record<string, string>,
  f: BoundaryFixture,
) {
  const get = async (ctx: APIRequestContext, url: string, headers?: Record<string, string>) => {
    const res = await ctx.get(url, { headers });
    expect(res.status(), `${url} while taking the snapshot`).toBe(200);
    return res.text();
  };
  // the log orders by the event's time (a journey that ran the clock forward leaves events above
  // today's): the last written is the highest id
  const audit = JSON.parse(await get(owner, "/api/audit?limit=500")) as { data: { id: number }[] };
  return {
    lastAuditEvent: Math.max(0, ...audit.data.map((e) => e.id)),
    channels: await get(owner, "/api/alerts/channels"),
    rules: await get(owner, "/api/alerts/rules"),
    alerts: await get(owner, "/api/alerts"),
    limits: await get(owner, "/api/limits"),
    history: await get(owner, `/api/limits/policies/${f.policyId}/history`),
    requests: await get(engineer, "/api/requests"),
    decidable: await get(owner, "/api/v1/credit-requests?status=ALL", bearer),
    connections: JSON.stringify(
      (
        JSON.parse(await get(owner, "/api/connections")) as {
          connections: {
            id: string;
            name: string;
            baseUrl: string | null;
            keyMasked: string;
            enabled: boolean;
            scheduleMinutes: number | null;
          }[];
        }
      ).connections.map(({ id, name, baseUrl, keyMasked, enabled, scheduleMinutes }) => ({
        id,
        name,
        baseUrl,
        keyMasked,
        enabled,
        scheduleMinutes,
      })),
    ),
  };
}

test.describe.serial("the HTTP boundary", () => {
  let f: BoundaryFixture;
  let bearer: Record<string, string>;
  const routes = discoverRoutes();

  test.beforeAll(() => {
    f = runBoundaryFixture<BoundaryFixture>("setup");
    bearer = { authorization: `Bearer ${f.token}` };
  });

  test.afterAll(() => {
    if (f) runBoundaryFixture("cleanup", JSON.stringify(f));
  });

  test("the walker finds the route handlers", () => {
    const patterns = routes.map((r) => r.pattern);
    // a few that must be there, so a broken discovery cannot pass by walking nothing
    for (const p of [
      "/api/alerts/channels",
      "/api/limits/policies/[id]",
      "/api/requests/[id]/approve",
      "/api/v1/credit-requests/[id]/approve",
      "/api/usage",
      "/api/v1/costs",
    ])
      expect(patterns).toContain(p);
    // what were server actions (Next answers a malformed action request with its own 500) are route handlers now
    for (const p of [
      "/api/connections/[id]",
      "/api/connections/[id]/sync",
      "/api/connections/[id]/test",
      "/api/connections/rate-card",
      "/api/connections/identity-mapping",
      "/api/settings/tokens",
      "/api/settings/tokens/[id]",
      "/api/settings/workspace",
      "/api/settings/workspace/preview",
    ])
      expect(patterns).toContain(p);
    expect(
      routes.every((r) => r.methods.length > 0),
      "every route.ts exports at least one method",
    ).toBe(true);
    expect(
      routes.filter((r) => r.methods.some((m) => (STATE_CHANGING as readonly string[]).includes(m)))
        .length,
    ).toBeGreaterThanOrEqual(10);
  });

  test("no bad request gets through, as any role, signed out or with a token — and nothing is written", async () => {
    test.setTimeout(300_000);
    const contexts = Object.fromEntries(
      await Promise.all(WHO.map(async (w) => [w, await contextFor(w)] as const)),
    ) as Record<Who, APIRequestContext>;
    const plain = await contextFor("anonymous");
    const before = await snapshot(contexts.owner, contexts.engineer, bearer, f);
    const baseURL = test.info().project.use.baseURL!;
    const failures: string[] = [];
    const check = async (
      label: string,
      res: Promise<APIResponse>,
      extra?: (r: APIResponse) => Promise<string | null>,
    ) => {
      const r = await res;
      const problem = (await refusalProblem(r)) ?? (extra ? await extra(r) : null);
      if (problem) failures.push(`${label}: ${problem}`);
    };
    let sent = 0;

    for (const route of routes) {
      const url = urlOf(route.pattern, f);
      const changing = route.methods.filter((m) =>
        (STATE_CHANGING as readonly string[]).includes(m),
      );
      // every state-changing request carries the policy's current version, so only the bad part makes it bad
      const target = `${url}?version=${f.policyVersion}`;

      for (const method of changing) {
        const walkers: [string, APIRequestContext, Record<string, string>][] = route.bearer
          ? [
              ["token", plain, bearer],
              ["no token", plain, {}],
              ...WHO.map(
                (w) =>
                  [`${w} (cookies)`, contexts[w], {}] as [
                    string,
                    APIRequestContext,
                    Record<string, string>,
                  ],
              ),
            ]
          : WHO.map((w) => [w, contexts[w], {}]);
        await Promise.all(
          walkers.flatMap(([who, ctx, auth]) => {
            const send = (headers: Record<string, string>, data: string) => {
              sent++;
              // a Buffer goes out byte for byte (a string with a JSON Content-Type would be JSON-encoded by Playwright)
              return ctx.fetch(target, {
                method,
                headers: { ...auth, ...headers },
                data: Buffer.from(data),
                failOnStatusCode: false,
                maxRedirects: 0,
              });
            };
            const at = `${method} ${route.pattern} as ${who}`;
            return [
              check(
                `${at}, truncated JSON`,
                send({ "content-type": "application/json" }, MALFORMED_JSON),
              ),
              check(
                `${at}, JSON as text/plain`,
                send({ "content-type": "text/plain;charset=UTF-8" }, VALID_LOOKING_JSON),
              ),
              check(
                `${at}, form body`,
                send({ "content-type": "application/x-www-form-urlencoded" }, FORM),
              ),
              route.bearer
                ? // bearer routes carry no cookies: no origin rule, but the body rules hold
                  check(
                    `${at}, cross-site, truncated JSON`,
                    send({ ...EVIL, "content-type": "application/json" }, MALFORMED_JSON),
                  )
                : check(
                    `${at}, cross-site`,
                    send({ ...EVIL, "content-type": "application/json" }, VALID_LOOKING_JSON),
                    async (r) =>
                      r.status() === 403 && /Cross-site/.test(await errorOf(r))
                        ? null
                        : `a cross-site request answered ${r.status()} "${await errorOf(r)}", not the cross-site 403`,
                  ),
              // control: the app's own origin is not refused as cross-site (the body is still bad)
              check(
                `${at}, same-origin, truncated JSON`,
                send(
                  {
                    origin: baseURL,
                    "sec-fetch-site": "same-origin",
                    "content-type": "application/json",
                  },
                  MALFORMED_JSON,
                ),
                async (r) =>
                  /Cross-site/.test(await errorOf(r))
                    ? "the app's own origin was refused as cross-site"
                    : null,
              ),
            ];
          }),
        );
      }

      if (route.methods.includes("GET")) {
        const walkers: [string, APIRequestContext, Record<string, string>][] = route.bearer
          ? [["token", plain, bearer]]
          : WHO.map((w) => [w, contexts[w], {}]);
        await Promise.all(
          walkers.flatMap(([who, ctx, auth]) =>
            Object.entries(
              route.readsQuery ? BAD_QUERIES : { "non-dates": BAD_QUERIES["non-dates"]! },
            ).map(async ([name, query]) => {
              sent++;
              const res = await ctx.get(`${url}?${query}`, {
                headers: auth,
                failOnStatusCode: false,
                maxRedirects: 0,
              });
              const label = `GET ${route.pattern} as ${who}, ${name}`;
              if (route.readsQuery) {
                await check(label, Promise.resolve(res), async (r) => {
                  if (r.status() !== 400) return null; // 401/403/404 before the query is read
                  // the answer's `field` names a parameter the message speaks of (a route that
                  // needs memberId names memberId, whatever else was sent), or the message names
                  // one of the date and paging fields the bad queries carry ("Status is active, …")
                  const message = await errorOf(r);
                  const field = await fieldOf(r);
                  if (field && message.includes(field)) return null;
                  return /\b(range|from|to|period|start|end|status|limit|before|page|pageSize)\b/i.test(
                    `${message} ${field}`,
                  )
                    ? null
                    : `400 without naming the field: "${`${message} ${field}`.trim()}"`;
                });
              } else if (res.status() >= 500)
                failures.push(
                  `${label}: answered ${res.status()} ${(await res.text()).slice(0, 160)}`,
                );
              else if (res.status() >= 400 && (await refusalProblem(res)))
                failures.push(`${label}: ${await refusalProblem(res)}`);
            }),
          ),
        );
      }
    }

    const after = await snapshot(contexts.owner, contexts.engineer, bearer, f);
    await Promise.all([...Object.values(contexts), plain].map((c) => c.dispose()));
    console.log(
      `boundary walk: ${routes.length} routes, ${sent} bad requests, ${failures.length} let through`,
    );
    expect(failures, failures.join("\n")).toEqual([]);
    expect(after, "the walk wrote something").toEqual(before);
  });

  test.describe("defects of issue 15, one by one", () => {
    test.use({ storageState: storageStateFor("owner") });

    test("a truncated approval is refused and approves nothing", async ({ page }) => {
      const res = await page.request.post(`/api/v1/credit-requests/${f.requestId}/approve`, {
        headers: { ...bearer, "content-type": "application/json" },
        data: Buffer.from('{"amount":"1","note":"partial"'),
        failOnStatusCode: false,
      });
      expect(res.status()).toBe(400);
      expect(await errorOf(res)).toMatch(/^Malformed JSON body: /);
      const list = (await (
        await page.request.get("/api/v1/credit-requests?status=PENDING", { headers: bearer })
      ).json()) as { requests: { id: number }[] };
      expect(list.requests.map((r) => r.id)).toContain(f.requestId);
    });

    test("a cross-site form cannot create a channel; the same body from the app can't either without JSON", async ({
      page,
    }) => {
      const body = { kind: "webhook", name: "Evil", url: "https://evil.example/hook" };
      const evil = await page.request.post("/api/alerts/channels", {
        headers: { ...EVIL, "content-type": "application/json" },
        data: JSON.stringify(body),
        failOnStatusCode: false,
      });
      expect(evil.status()).toBe(403);
      expect(await errorOf(evil)).toMatch(/Cross-site request refused/);
      const form = await page.request.post("/api/alerts/channels", {
        form: body,
        failOnStatusCode: false,
      });
      expect(form.status()).toBe(415);
      const list = await (await page.request.get("/api/alerts/channels")).text();
      expect(list).not.toContain("Evil");
    });

    test("URLs are capped: a 10 KB webhook URL is 400 naming url, a 100 KB body is 413", async ({
      page,
    }) => {
      const long = await page.request.post("/api/alerts/channels", {
        data: { kind: "webhook", name: "Long", url: `https://hooks.example/${"a".repeat(10_000)}` },
        failOnStatusCode: false,
      });
      expect(long.status()).toBe(400);
      expect(await errorOf(long)).toMatch(/^Invalid url: /);
      const huge = await page.request.post("/api/alerts/channels", {
        data: {
          kind: "webhook",
          name: "Huge",
          url: `https://hooks.example/${"a".repeat(100_000)}`,
        },
        failOnStatusCode: false,
      });
      expect(huge.status()).toBe(413);
    });

    test("non-dates and impossible days are 400 naming the field on the JSON APIs", async ({
      page,
    }) => {
      const cases: [string, RegExp][] = [
        ["/api/usage?range=custom&from=2026-12-01&to=x", /^Invalid to: /],
        ["/api/overview?range=custom&from=2026-02-31&to=2026-03-01", /^Invalid from: /],
        [`/api/groups/${f.groupId}?range=custom&from=x&to=2026-03-01`, /^Invalid from: /],
        ["/api/usage/facets?range=custom&from=2026-12-01&to=x", /^Invalid to: /],
        ["/api/usage/export?range=custom&from=2026-12-01&to=x", /^Invalid to: /],
        ["/api/exports/chargeback?period=custom&start=x&end=2026-03-01", /^Invalid start: /],
        [
          "/api/exports/chargeback/preview?period=custom&start=2026-03-01&end=2026-02-31",
          /^Invalid end: /,
        ],
        ["/api/exports/focus?period=custom&start=2026-03-01&end=y", /^Invalid end: /],
      ];
      for (const [url, message] of cases) {
        const res = await page.request.get(url, { failOnStatusCode: false });
        expect(res.status(), url).toBe(400);
        expect(await errorOf(res), url).toMatch(message);
      }
      // a body's day too: a sync from an impossible day is refused naming the field
      const sync = await page.request.post("/api/connections/any-connection/sync", {
        data: { since: "2026-02-31" },
        headers: { origin: test.info().project.use.baseURL!, "sec-fetch-site": "same-origin" },
        failOnStatusCode: false,
      });
      expect(sync.status()).toBe(400);
      expect(await errorOf(sync)).toMatch(/^Invalid since: /);
      const costs = await page.request.get("/api/v1/costs?start=253402300800", {
        headers: bearer,
        failOnStatusCode: false,
      });
      expect(costs.status()).toBe(400);
      expect(await errorOf(costs)).toMatch(/^Invalid start: unix seconds must lie between/);
    });

    test("pages with bad dates fall back to the default range and say so", async ({ page }) => {
      for (const url of [
        "/usage?range=custom&from=2026-12-01&to=x",
        "/overview?range=custom&from=2026-02-31&to=2026-03-01",
        `/groups/${f.groupId}?range=custom&from=x&to=y`,
      ]) {
        const res = await page.goto(url);
        expect(res?.status(), url).toBe(200);
        await expect(page.getByTestId("range-fallback"), url).toContainText("could not be used");
      }
    });

    test("another workspace's policy history is 404, not an empty list", async ({ playwright }) => {
      const ci = await playwright.request.newContext({
        baseURL: test.info().project.use.baseURL,
        storageState: storageStateFor("ciAdmin"),
      });
      const res = await ci.get(`/api/limits/policies/${f.policyId}/history`, {
        failOnStatusCode: false,
      });
      expect(res.status()).toBe(404);
      expect(await errorOf(res)).toBe("Not found");
      await ci.dispose();
    });
  });
});
