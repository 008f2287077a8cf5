/**
 * A local fake of the Claude Enterprise Spend Limits API (Admin API, beta), built from the
 * documented shapes: x-api-key + anthropic-version, scopes read/write:spend_limits, one shared
 * 60/min limit per organization (429 rate_limit_error with Retry-After), cents as strings,
 * per-user upserts only, opaque filter-bound pagination, and the increase-request queue with
 * its 400s for already-resolved requests. Tests drive "console" and "claude.ai" actions
 * through the exported state.
 */
import { randomUUID } from "node:crypto";

import {
  pageToken,
  RateWindow,
  readPageToken,
  serve,
  takeFault,
  type CallLog,
  type FakeRequest,
  type FakeResponse,
  type Fault,
  type RunningFake,
} from "./http";

export interface ClaudeUser {
  id: string;
  name: string;
  email: string;
  seatTier: string;
}
interface SpendLimit {
  type: "spend_limit";
  id: string;
  created_at: string;
  updated_at: string;
  scope: { type: "user"; user_id: string };
  amount: string | null;
  currency: "USD";
  period: "monthly";
}
interface IncreaseRequest {
  id: string;
  created_at: string;
  status: "pending" | "approved" | "denied";
  resolved_at: string | null;
  resolved_by: { type: string; email_address: string } | null;
  userId: string;
}

export interface ClaudeFakeState {
  keys: Map<string, string[]>;
  users: ClaudeUser[];
  /** cents; null = unlimited */
  organizationDefault: string | null;
  seatTierDefaults: Map<string, string | null>;
  userLimits: Map<string, SpendLimit>;
  spend: Map<string, string>;
  requests: IncreaseRequest[];
  faults: Fault[];
  rate: RateWindow;
  log: CallLog[];
}

export interface ClaudeFake extends RunningFake {
  state: ClaudeFakeState;
  /** a console edit of a user's limit (what an admin does outside Allotment) */
  consoleSetLimit(userId: string, amount: string | null): void;
  /** a member presses "request more" in claude.ai */
  fileRequest(userId: string): string;
  /** an admin resolves a request in the Claude console */
  consoleResolve(requestId: string, status: "approved" | "denied", amount?: string): void;
  effectiveOf(userId: string): { amount: string | null; source: string };
  writes(): CallLog[];
}

const err = (
  status: number,
  type: string,
  message: string,
  headers?: Record<string, string>,
): FakeResponse => ({
  status,
  body: { type: "error", error: { type, message }, request_id: `req_${randomUUID().slice(0, 12)}` },
  headers,
});

export interface ClaudeFakeOptions {
  keys?: Record<string, string[]>;
  users?: ClaudeUser[];
  organizationDefault?: string | null;
  perMinute?: number;
  /** the vendor's "now" for created_at / updated_at / resolved_at (default: the machine's clock) */
  clock?: () => number;
  /** the clock of the per-minute rate window (default: the machine's clock) */
  rateClock?: () => number;
}

export async function startClaudeFake(opts: ClaudeFakeOptions = {}): Promise<ClaudeFake> {
  const clock = opts.clock ?? Date.now;
  const state: ClaudeFakeState = {
    keys: new Map(
      Object.entries(
        opts.keys ?? { "sk-ant-admin-test": ["read:spend_limits", "write:spend_limits"] },
      ),
    ),
    users: opts.users ?? [],
    organizationDefault:
      opts.organizationDefault === undefined ? "50000" : opts.organizationDefault,
    seatTierDefaults: new Map(),
    userLimits: new Map(),
    spend: new Map(),
    requests: [],
    faults: [],
    rate: new RateWindow(opts.perMinute ?? 60, opts.rateClock),
    log: [],
  };
  const iso = () => new Date(clock()).toISOString();
  const userById = (id: string) => state.users.find((u) => u.id === id);

  function effectiveOf(userId: string): {
    amount: string | null;
    source: { type: string; seat_tier?: string };
    splId: string | null;
  } {
    const own = state.userLimits.get(userId);
    if (own) return { amount: own.amount, source: { type: "user" }, splId: own.id };
    const u = userById(userId);
    if (u && state.seatTierDefaults.has(u.seatTier))
      return {
        amount: state.seatTierDefaults.get(u.seatTier) ?? null,
        source: { type: "seat_tier", seat_tier: u.seatTier },
        splId: null,
      };
    return { amount: state.organizationDefault, source: { type: "organization" }, splId: null };
  }
  function effectiveRow(u: ClaudeUser) {
    const e = effectiveOf(u.id);
    return {
      scope: { type: "user", user_id: u.id },
      amount: e.amount,
      currency: "USD",
      period: "monthly",
      source: e.source,
      spend_limit_id: e.splId,
      period_to_date_spend: state.spend.get(u.id) ?? "0",
      actor: { type: "user_actor", user_id: u.id, name: u.name, email_address: u.email },
    };
  }
  function requestView(r: IncreaseRequest) {
    const u = userById(r.userId)!;
    return {
      type: "spend_limit_increase_request",
      id: r.id,
      created_at: r.created_at,
      status: r.status,
      resolved_at: r.resolved_at,
      resolved_by: r.resolved_by,
      actor: { type: "user_actor", user_id: u.id, name: u.name, email_address: u.email },
      spend_summary: effectiveRow(u),
    };
  }
  function upsert(userId: string, amount: string | null): SpendLimit {
    const existing = state.userLimits.get(userId);
    const limit: SpendLimit = existing
      ? { ...existing, amount, updated_at: iso() }
      : {
          type: "spend_limit",
          id: `spl_${randomUUID().replace(/-/g, "").slice(0, 20)}`,
          created_at: iso(),
          updated_at: iso(),
          scope: { type: "user", user_id: userId },
          amount,
          currency: "USD",
          period: "monthly",
        };
    state.userLimits.set(userId, limit);
    return limit;
  }
  function paginate<T>(
    items: T[],
    q: URLSearchParams,
    filterKey: string,
  ): FakeResponse | { data: T[]; has_more: boolean; next_page: string | null } {
    const limit = q.get("limit") === null ? 20 : Number(q.get("limit"));
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
      return err(400, "invalid_request_error", "limit: must be an integer between 1 and 1000");
    const offset = readPageToken(q.get("page"), filterKey);
    if (offset === "mismatch")
      return err(
        400,
        "invalid_request_error",
        "page: the page token does not match the request's filters",
      );
    const slice = items.slice(offset, offset + limit);
    const more = offset + limit < items.length;
    return {
      data: slice,
      has_more: more,
      next_page: more ? pageToken(offset + limit, filterKey) : null,
    };
  }

  function handle(req: FakeRequest): FakeResponse {
    const key = req.headers["x-api-key"];
    const scopes = typeof key === "string" ? state.keys.get(key) : undefined;
    // unknown or revoked keys answer 404, as documented
    if (!key) return err(401, "authentication_error", "x-api-key header is required");
    if (!scopes) return err(404, "not_found_error", "Not found");
    if (req.headers["anthropic-version"] !== "2023-06-01")
      return err(400, "invalid_request_error", "anthropic-version header is required");
    const fault = takeFault(state.faults, req.method, req.path);
    if (fault)
      return fault.status === 429
        ? err(429, "rate_limit_error", "Rate limited", { "retry-after": fault.retryAfter ?? "1" })
        : err(fault.status, "api_error", "Internal server error");
    const wait = state.rate.take("org");
    if (wait !== null)
      return err(
        429,
        "rate_limit_error",
        "Number of requests has exceeded your per-minute rate limit",
        { "retry-after": String(wait) },
      );
    const needs = req.method === "GET" ? "read:spend_limits" : "write:spend_limits";
    if (!scopes.includes(needs))
      return err(403, "permission_error", `This key lacks the ${needs} scope`);

    const p = req.path;
    if (req.method === "GET" && p === "/v1/organizations/spend_limits/effective") {
      const ids = req.query.getAll("user_ids[]");
      const users = ids.length ? state.users.filter((u) => ids.includes(u.id)) : state.users;
      const page = paginate(users.map(effectiveRow), req.query, `eff:${ids.join(",")}`);
      return "status" in page ? page : { status: 200, body: page };
    }
    if (req.method === "POST" && p === "/v1/organizations/spend_limits") {
      const b = req.body as
        | { scope?: { type?: string; user_id?: string }; amount?: unknown; period?: unknown }
        | undefined;
      if (!b?.scope || b.scope.type !== "user")
        return err(
          400,
          "invalid_request_error",
          "scope.type: only user spend limits can be written through the API",
        );
      if (!b.scope.user_id || !userById(b.scope.user_id))
        return err(
          400,
          "invalid_request_error",
          "scope.user_id: user not found in this organization",
        );
      if (b.amount !== null && (typeof b.amount !== "string" || !/^\d+$/.test(b.amount)))
        return err(
          400,
          "invalid_request_error",
          "amount: must be a string of minor units (cents) or null",
        );
      if (b.period !== "monthly")
        return err(400, "invalid_request_error", "period: must be monthly");
      return { status: 200, body: upsert(b.scope.user_id, b.amount as string | null) };
    }
    let m = /^\/v1\/organizations\/spend_limits\/(spl_[\w]+)$/.exec(p);
    if (m) {
      const entry = [...state.userLimits.entries()].find(([, l]) => l.id === m![1]);
      if (!entry) return err(404, "not_found_error", "spend limit not found");
      if (req.method === "GET") return { status: 200, body: entry[1] };
      if (req.method === "DELETE") {
        state.userLimits.delete(entry[0]);
        return { status: 200, body: { type: "spend_limit_deleted", id: entry[1].id } };
      }
    }
    if (req.method === "GET" && p === "/v1/organizations/spend_limit_increase_requests") {
      const statuses = req.query.getAll("status[]");
      const actors = req.query.getAll("actor_ids[]");
      const items = [...state.requests]
        .sort((a, b) => (a.created_at < b.created_at ? 1 : -1))
        .filter(
          (r) =>
            (!statuses.length || statuses.includes(r.status)) &&
            (!actors.length || actors.includes(r.userId)),
        )
        .map(requestView);
      const page = paginate(items, req.query, `slir:${statuses.join(",")}:${actors.join(",")}`);
      return "status" in page ? page : { status: 200, body: page };
    }
    m =
      /^\/v1\/organizations\/spend_limit_increase_requests\/(slir_[\w]+)(\/approve|\/deny)?$/.exec(
        p,
      );
    if (m) {
      const r = state.requests.find((x) => x.id === m![1]);
      if (!r) return err(404, "not_found_error", "spend limit increase request not found");
      if (req.method === "GET" && !m[2]) return { status: 200, body: requestView(r) };
      if (req.method === "POST" && m[2] === "/approve") {
        const b = req.body as { amount?: unknown } | undefined;
        if (r.status !== "pending")
          return err(400, "invalid_request_error", `This request has already been ${r.status}`);
        if (typeof b?.amount !== "string" || !/^\d+$/.test(b.amount))
          return err(
            400,
            "invalid_request_error",
            "amount: must be a string of minor units (cents)",
          );
        upsert(r.userId, b.amount);
        Object.assign(r, {
          status: "approved",
          resolved_at: iso(),
          resolved_by: { type: "api_key", email_address: "admin-api" },
        });
        return { status: 200, body: requestView(r) };
      }
      if (req.method === "POST" && m[2] === "/deny") {
        if (r.status === "approved")
          return err(400, "invalid_request_error", "This request has already been approved");
        if (r.status === "pending")
          Object.assign(r, {
            status: "denied",
            resolved_at: iso(),
            resolved_by: { type: "api_key", email_address: "admin-api" },
          });
        return { status: 200, body: requestView(r) };
      }
    }
    return err(404, "not_found_error", `no route ${req.method} ${p}`);
  }

  const log: CallLog[] = state.log;
  const running = await serve(handle, log);
  return {
    ...running,
    state,
    consoleSetLimit(userId, amount) {
      upsert(userId, amount);
    },
    fileRequest(userId) {
      if (state.requests.some((r) => r.userId === userId && r.status === "pending"))
        throw new Error("one pending request per member");
      const id = `slir_${randomUUID().replace(/-/g, "").slice(0, 20)}`;
      state.requests.push({
        id,
        created_at: iso(),
        status: "pending",
        resolved_at: null,
        resolved_by: null,
        userId,
      });
      return id;
    },
    consoleResolve(requestId, status, amount) {
      const r = state.requests.find((x) => x.id === requestId);
      if (!r || r.status !== "pending") throw new Error("not pending");
      if (status === "approved") upsert(r.userId, amount ?? "0");
      Object.assign(r, {
        status,
        resolved_at: iso(),
        resolved_by: { type: "user_actor", email_address: "console-admin@vendor.example" },
      });
    },
    effectiveOf(userId) {
      const e = effectiveOf(userId);
      return { amount: e.amount, source: e.source.type };
    },
    writes() {
      return log.filter((c) => c.method !== "GET");
    },
  };
}
