/**
 * A local fake of the GitHub REST API for Copilot governance (shared/VENDOR-APIS.md §2):
 * bearer tokens, the Copilot seat list (Link-header pages), the AI Credit usage report per
 * user and day, budgets (page-number pages with has_next_page, whole-dollar amounts, user
 * scopes must stop usage, individual budgets with expires_at), cost centers. Faults: 429
 * with or without Retry-After, 403 secondary rate limit, 5xx, malformed pages. The rate
 * limit answers 403 with x-ratelimit-remaining 0 and x-ratelimit-reset, as GitHub does.
 * The precedence rule lives in github-state.ts, apart from Allotment's translation.
 */
import { randomUUID } from "node:crypto";

import {
  defaultReportOptions,
  handleReportDownload,
  handleReportRoute,
  type ReportState,
} from "./github-reports";
import {
  applicableUserBudget,
  centiToCredits,
  centiToDollars,
  costCenterOf,
  USER_SCOPES,
  type Applicable,
  type FakeBudget,
  type FakeCostCenter,
  type FakeGithubUser,
  type FakeUsage,
} from "./github-state";
import {
  RateWindow,
  serve,
  type CallLog,
  type FakeRequest,
  type FakeResponse,
  type RunningFake,
} from "./http";

export * from "./github-state";
export * from "./github-reports";

export interface GithubFault {
  match?: RegExp;
  /** 429, 403 (secondary rate limit), 5xx … or "malformed" (a 200 whose page breaks the shape) */
  status: number | "malformed";
  retryAfter?: string;
  times: number;
}

export interface GithubFakeState extends ReportState {
  tokens: Set<string>;
  kind: "organization" | "enterprise";
  name: string;
  users: FakeGithubUser[];
  costCenters: FakeCostCenter[];
  usage: FakeUsage[];
  budgets: Map<string, FakeBudget>;
  /** the documented create body for multi_user_cost_center is unconfirmed: both readings are testable */
  acceptCostCenterUserBudgets: boolean;
  /** unconfirmed expires_at format: "any" takes a date or a date-time, "date" only YYYY-MM-DD */
  expiresAtFormat: "any" | "date";
  /** unconfirmed: GitHub removes an expired individual budget (false) or keeps listing it, no longer applied (true) */
  keepsExpired: boolean;
  faults: GithubFault[];
  rate: RateWindow;
  log: CallLog[];
  seatsPerPage: number;
}

export interface GithubFake extends RunningFake {
  state: GithubFakeState;
  /** GitHub's own evaluation: the user-level budget that applies to a login now */
  evaluate(login: string): Applicable;
  /** an admin edits a budget on github.com */
  consoleSetUserBudget(login: string, dollars: number | null): void;
  /** per login and day: net (billed) and gross micro-USD, computed from the facts */
  truth(): Map<string, { grossMicros: bigint; netMicros: bigint }>;
  writes(): CallLog[];
}

export interface GithubFakeOptions {
  token?: string;
  kind?: "organization" | "enterprise";
  name?: string;
  users?: FakeGithubUser[];
  costCenters?: FakeCostCenter[];
  usage?: FakeUsage[];
  perMinute?: number;
  clock?: () => number;
  rateClock?: () => number;
}

const gh = (status: number, message: string, headers?: Record<string, string>): FakeResponse => ({
  status,
  body: { message, documentation_url: "https://docs.github.com/rest" },
  headers,
});

function intParam(
  q: URLSearchParams,
  name: string,
  min: number,
  max: number,
): number | null | "bad" {
  const v = q.get(name);
  if (v === null) return null;
  const n = Number(v);
  return Number.isInteger(n) && n >= min && n <= max ? n : "bad";
}

export async function startGithubFake(opts: GithubFakeOptions = {}): Promise<GithubFake> {
  const clock = opts.clock ?? Date.now;
  const state: GithubFakeState = {
    tokens: new Set([opts.token ?? "ghp_test_token_0001"]),
    kind: opts.kind ?? "enterprise",
    name: opts.name ?? "acme",
    users: opts.users ?? [],
    costCenters: opts.costCenters ?? [],
    usage: opts.usage ?? [],
    budgets: new Map(),
    acceptCostCenterUserBudgets: true,
    expiresAtFormat: "any",
    keepsExpired: false,
    faults: [],
    rate: new RateWindow(opts.perMinute ?? 5000, opts.rateClock),
    log: [],
    seatsPerPage: 100,
    reports: new Map(),
    reportOptions: defaultReportOptions(),
    reportDownloads: [],
  };
  const evaluate = (login: string) =>
    applicableUserBudget([...state.budgets.values()], state.costCenters, login, clock());
  const prefix = () =>
    state.kind === "enterprise" ? `/enterprises/${state.name}` : `/organizations/${state.name}`;

  // GitHub removes an expired individual budget
  function expire() {
    if (state.keepsExpired) return;
    for (const [id, b] of state.budgets) {
      if (b.budget_scope !== "user" || !b.expires_at) continue;
      const end = /^\d{4}-\d{2}-\d{2}$/.test(b.expires_at)
        ? Date.parse(`${b.expires_at}T00:00:00Z`) + 86_400_000
        : Date.parse(b.expires_at);
      if (end <= clock()) state.budgets.delete(id);
    }
  }

  function usageReport(q: URLSearchParams): FakeResponse {
    const now = new Date(clock());
    const year = intParam(q, "year", 2000, 3000);
    const month = intParam(q, "month", 1, 12);
    const day = intParam(q, "day", 1, 31);
    if (year === "bad" || month === "bad" || day === "bad") return gh(400, "Invalid time period");
    const y = year ?? now.getUTCFullYear();
    const m = month ?? now.getUTCMonth() + 1;
    const prefixDay = `${y}-${String(m).padStart(2, "0")}${day !== null ? `-${String(day).padStart(2, "0")}` : ""}`;
    const user = q.get("user");
    const rows = state.usage.filter(
      (u) =>
        (month === null && day === null
          ? u.day.startsWith(String(y))
          : u.day.startsWith(prefixDay)) &&
        (!user || u.login === user),
    );
    const byModel = new Map<string, { c: number; d: number }>();
    for (const r of rows) {
      const x = byModel.get(r.model) ?? { c: 0, d: 0 };
      x.c += r.centiCredits;
      x.d += r.discountCentiCredits;
      byModel.set(r.model, x);
    }
    return {
      status: 200,
      body: {
        timePeriod: {
          year: y,
          ...(month !== null || day !== null ? { month: m } : {}),
          ...(day !== null ? { day } : {}),
        },
        [state.kind]: state.name,
        ...(user ? { user } : {}),
        usageItems: [...byModel.entries()].map(([model, x]) => ({
          product: "Copilot",
          sku: "Copilot AI Credits",
          model,
          unitType: "credits",
          pricePerUnit: 0.01,
          grossQuantity: centiToCredits(x.c),
          grossAmount: centiToDollars(x.c),
          discountQuantity: centiToCredits(x.d),
          discountAmount: centiToDollars(x.d),
          netQuantity: centiToCredits(x.c - x.d),
          netAmount: centiToDollars(x.c - x.d),
        })),
      },
    };
  }

  function validateBudgetBody(b: Record<string, unknown>, creating: boolean): string | null {
    const amount = b.budget_amount;
    if (creating || amount !== undefined)
      if (typeof amount !== "number" || !Number.isInteger(amount) || amount < 0)
        return "budget_amount must be a whole number of dollars";
    const scope = b.budget_scope as string | undefined;
    if (creating) {
      const allowed =
        state.kind === "enterprise"
          ? [
              "enterprise",
              "organization",
              "repository",
              "cost_center",
              "multi_user_customer",
              "user",
            ]
          : ["organization", "repository", "multi_user_customer", "user"];
      if (state.acceptCostCenterUserBudgets && state.kind === "enterprise")
        allowed.push("multi_user_cost_center");
      if (!scope || !allowed.includes(scope))
        return `budget_scope "${String(scope)}" is not supported`;
      if (USER_SCOPES.has(scope) && b.prevent_further_usage !== true)
        return "prevent_further_usage must be true for user scopes";
      if (
        scope === "user" &&
        (typeof b.user !== "string" || !state.users.some((u) => u.login === b.user))
      )
        return "user is required and must be a licensed user";
      if (typeof b.budget_alerting !== "object" || b.budget_alerting === null)
        return "budget_alerting is required";
      if (
        scope === "multi_user_cost_center" &&
        !state.costCenters.some((c) => c.name === b.budget_entity_name)
      )
        return "budget_entity_name must name a cost center";
    }
    if (b.expires_at !== undefined && b.expires_at !== null) {
      if (typeof b.expires_at !== "string") return "expires_at must be a string";
      const ok =
        state.expiresAtFormat === "date"
          ? /^\d{4}-\d{2}-\d{2}$/.test(b.expires_at)
          : !Number.isNaN(Date.parse(b.expires_at));
      if (!ok) return "expires_at is not a valid date";
    }
    return null;
  }

  function sameTarget(a: FakeBudget, b: Record<string, unknown>): boolean {
    if (a.budget_scope !== b.budget_scope) return false;
    if (a.budget_scope === "user") return a.user === b.user;
    if (a.budget_scope === "multi_user_customer") return true;
    return a.budget_entity_name === b.budget_entity_name;
  }

  async function handle(req: FakeRequest): Promise<FakeResponse> {
    const auth = String(req.headers.authorization ?? "");
    const token = auth.replace(/^(Bearer|token)\s+/i, "");
    // report files sit behind pre-signed URLs (GitHub's storage), outside the API's token and rate limit
    const download = handleReportDownload(state, req, state.tokens.has(token));
    if (download) return download;
    if (!state.tokens.has(token)) return gh(401, "Bad credentials");
    const wait = state.rate.take(token);
    if (wait !== null)
      return gh(403, "You have exceeded a secondary rate limit.", {
        "x-ratelimit-remaining": "0",
        "x-ratelimit-reset": String(Math.ceil(clock() / 1000) + wait),
      });
    const fault = state.faults.find(
      (f) => f.times > 0 && (!f.match || f.match.test(`${req.method} ${req.path}`)),
    );
    if (fault) {
      fault.times--;
      if (fault.status === "malformed") {
        if (req.path.endsWith("/ai_credit/usage"))
          return {
            status: 200,
            body: {
              timePeriod: { year: 2026 },
              usageItems: [
                {
                  product: "Copilot",
                  sku: "x",
                  model: "m",
                  unitType: "credits",
                  pricePerUnit: 0.01,
                  grossQuantity: 1,
                  grossAmount: "0.01",
                  discountQuantity: 0,
                  discountAmount: 0,
                  netQuantity: 1,
                  netAmount: 0.01,
                },
              ],
            },
          };
        return { status: 200, body: { unexpected: true } };
      }
      if (fault.status === 429)
        return gh(
          429,
          "API rate limit exceeded",
          fault.retryAfter ? { "retry-after": fault.retryAfter } : undefined,
        );
      if (fault.status === 403)
        return gh(
          403,
          "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
          fault.retryAfter ? { "retry-after": fault.retryAfter } : undefined,
        );
      return gh(fault.status, "Server Error");
    }
    expire();
    const p = req.path;
    const seatsPath =
      state.kind === "enterprise"
        ? `/enterprises/${state.name}/copilot/billing/seats`
        : `/orgs/${state.name}/copilot/billing/seats`;
    if (req.method === "GET" && p === seatsPath) {
      const page = intParam(req.query, "page", 1, 100000) ?? 1;
      const per = Math.min(
        state.seatsPerPage,
        (intParam(req.query, "per_page", 1, 100) as number | null) ?? 50,
      );
      if (page === "bad") return gh(422, "Invalid page");
      const slice = state.users.slice((page - 1) * per, page * per);
      const more = page * per < state.users.length;
      return {
        status: 200,
        body: {
          total_seats: state.users.length,
          seats: slice.map((u, i) => ({
            created_at: "2026-06-01T00:00:00Z",
            assignee: { login: u.login, id: 1000 + i, type: "User", email: u.email, name: u.name },
          })),
        },
        headers: more
          ? {
              link: `<http://${String(req.headers.host)}${p}?per_page=${per}&page=${page + 1}>; rel="next"`,
            }
          : undefined,
      };
    }
    if (!p.startsWith(prefix())) return gh(404, "Not Found");
    const rest = p.slice(prefix().length);
    if (req.method === "GET" && rest === "/settings/billing/ai_credit/usage")
      return usageReport(req.query);
    if (state.kind === "enterprise") {
      const report = handleReportRoute(
        state,
        req,
        rest,
        new Date(clock()),
        () => ({ usage: state.usage, centers: state.costCenters, org: state.name }),
        gh,
      );
      if (report) return report;
    }
    if (rest === "/settings/billing/budgets") {
      if (req.method === "GET") {
        const page = intParam(req.query, "page", 1, 100000) ?? 1;
        const per = Math.min(10, (intParam(req.query, "per_page", 1, 100) as number | null) ?? 10);
        if (page === "bad") return gh(422, "Invalid page");
        const all = [...state.budgets.values()];
        return {
          status: 200,
          body: {
            budgets: all.slice((page - 1) * per, page * per),
            has_next_page: page * per < all.length,
            total_count: all.length,
          },
        };
      }
      if (req.method === "POST") {
        const b = (req.body ?? {}) as Record<string, unknown>;
        const problem = validateBudgetBody(b, true);
        if (problem) return gh(422, problem);
        if ([...state.budgets.values()].some((x) => sameTarget(x, b)))
          return gh(422, "A budget for this scope already exists");
        const budget: FakeBudget = {
          id: randomUUID(),
          budget_type: String(b.budget_type ?? "BundlePricing"),
          budget_product_sku: String(b.budget_product_sku ?? "ai_credits"),
          budget_scope: String(b.budget_scope),
          budget_entity_name: String(b.budget_entity_name ?? ""),
          budget_amount: b.budget_amount as number,
          prevent_further_usage: b.prevent_further_usage === true,
          budget_alerting: b.budget_alerting as FakeBudget["budget_alerting"],
          ...(b.user ? { user: String(b.user) } : {}),
          ...(b.expires_at ? { expires_at: String(b.expires_at) } : {}),
        };
        state.budgets.set(budget.id, budget);
        return { status: 200, body: { message: "Budget successfully created.", budget } };
      }
    }
    const one = /^\/settings\/billing\/budgets\/([^/]+)$/.exec(rest);
    if (one) {
      const b = state.budgets.get(decodeURIComponent(one[1]!));
      if (!b) return gh(404, "Budget not found");
      if (req.method === "GET") return { status: 200, body: b };
      if (req.method === "PATCH") {
        const body = (req.body ?? {}) as Record<string, unknown>;
        const problem = validateBudgetBody(body, false);
        if (problem) return gh(422, problem);
        if (typeof body.budget_amount === "number") b.budget_amount = body.budget_amount;
        if (typeof body.prevent_further_usage === "boolean")
          b.prevent_further_usage = body.prevent_further_usage;
        if ("expires_at" in body) b.expires_at = (body.expires_at as string | null) ?? null;
        return { status: 200, body: { message: "Budget successfully updated.", budget: b } };
      }
      if (req.method === "DELETE") {
        state.budgets.delete(b.id);
        return { status: 200, body: { message: "Budget successfully deleted.", budget_id: b.id } };
      }
    }
    if (
      state.kind === "enterprise" &&
      req.method === "GET" &&
      rest === "/settings/billing/cost-centers"
    )
      return {
        status: 200,
        body: {
          costCenters: state.costCenters.map((c) => ({
            id: c.id,
            name: c.name,
            state: "active",
            resources: c.users.map((u) => ({ type: "User", name: u })),
          })),
        },
      };
    const cc = /^\/settings\/billing\/cost-centers\/([^/]+)$/.exec(rest);
    if (state.kind === "enterprise" && cc && req.method === "GET") {
      const c = state.costCenters.find((x) => x.id === decodeURIComponent(cc[1]!));
      if (!c) return gh(404, "Cost center not found");
      const page = (intParam(req.query, "page", 1, 100000) as number | null) ?? 1;
      const per = (intParam(req.query, "per_page", 1, 100) as number | null) ?? 30;
      return {
        status: 200,
        body: {
          id: c.id,
          name: c.name,
          state: "active",
          resources: c.users
            .slice((page - 1) * per, page * per)
            .map((u) => ({ type: "User", name: u })),
          has_next_page: page * per < c.users.length,
        },
      };
    }
    return gh(404, "Not Found");
  }

  const running = await serve(handle, state.log);
  return {
    ...running,
    state,
    evaluate,
    consoleSetUserBudget(login, dollars) {
      const own = [...state.budgets.values()].find(
        (b) => b.budget_scope === "user" && b.user === login,
      );
      if (dollars === null) {
        if (own) state.budgets.delete(own.id);
        return;
      }
      if (own) own.budget_amount = dollars;
      else {
        const id = randomUUID();
        state.budgets.set(id, {
          id,
          budget_type: "BundlePricing",
          budget_product_sku: "ai_credits",
          budget_scope: "user",
          budget_entity_name: "",
          budget_amount: dollars,
          prevent_further_usage: true,
          budget_alerting: { will_alert: false, alert_recipients: [] },
          user: login,
        });
      }
    },
    truth() {
      const out = new Map<string, { grossMicros: bigint; netMicros: bigint }>();
      for (const u of state.usage) {
        const k = `${u.login}|${u.day}`;
        const x = out.get(k) ?? { grossMicros: 0n, netMicros: 0n };
        // one hundredth of a credit = $0.0001 = 100 micro-USD
        x.grossMicros += BigInt(u.centiCredits) * 100n;
        x.netMicros += BigInt(u.centiCredits - u.discountCentiCredits) * 100n;
        out.set(k, x);
      }
      return out;
    },
    writes: () => state.log.filter((l) => l.method !== "GET"),
  };
}

export { costCenterOf };
