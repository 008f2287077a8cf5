/**
 * A local fake of the ChatGPT Admin API (Enterprise / Edu, Codex included), built from the
 * documented shapes: bearer workspace admin key with scopes, user usage-limit objects with
 * override → highest group default → workspace default, PATCH bodies (absolute amount,
 * temporary, unlimited, null), monthly usage (the only place the unit shows), the roster,
 * groups, the daily usage history (omitted inactive days), pagination and 429 with
 * Retry-After at 100 requests/min per method+route. Tests drive console edits through state.
 */
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

type Unit = "credit" | "usd";
export interface Rule {
  type: "limited" | "unlimited";
  limit_amount?: { amount: string; unit: Unit };
  limit_expires_at?: number;
}
export interface ChatgptUser {
  id: string;
  email: string;
  name: string;
}
export interface ChatgptGroup {
  id: string;
  name: string;
  userIds: string[];
  /** per-member default of the group */
  limit: Rule | null;
}
export interface UsageDay {
  userId: string;
  day: string;
  credits: number | null;
  costUsd: number | null;
  estimated: number;
}

export interface ChatgptFakeState {
  workspaceId: string;
  unit: Unit;
  keys: Map<string, string[]>;
  users: ChatgptUser[];
  groups: ChatgptGroup[];
  workspaceDefault: Rule;
  overrides: Map<string, Rule>;
  usage: UsageDay[];
  monthUsage: Map<string, number>;
  faults: Fault[];
  rate: RateWindow;
  log: CallLog[];
  clock: () => number;
}

export interface ChatgptFake extends RunningFake {
  state: ChatgptFakeState;
  consoleSetOverride(userId: string, rule: Rule | null): void;
  effectiveOf(userId: string): { rule: Rule; kind: string };
  writes(): CallLog[];
}

export const ALL_CHATGPT_SCOPES = [
  "chatgpt.enterprise.usage_limit.read",
  "chatgpt.enterprise.usage_limit.write",
  "chatgpt.enterprise.user.read",
  "chatgpt.enterprise.directory.read",
  "enterprise.analytics.usage.read",
];

const err = (
  status: number,
  message: string,
  type = "invalid_request_error",
  headers?: Record<string, string>,
): FakeResponse => ({ status, body: { error: { message, type } }, headers });

function amountOf(rule: Rule): number {
  return rule.type === "unlimited"
    ? Number.POSITIVE_INFINITY
    : Number(rule.limit_amount?.amount ?? "0");
}

function endOfMonthSeconds(ms: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) / 1000;
}

export interface ChatgptFakeOptions {
  workspaceId?: string;
  unit?: Unit;
  keys?: Record<string, string[]>;
  users?: ChatgptUser[];
  groups?: ChatgptGroup[];
  workspaceDefault?: Rule;
  perMinute?: number;
  /** the vendor's "now": when temporary overrides end (default: the machine's clock) */
  clock?: () => number;
  /** the clock of the per-minute rate windows (default: the machine's clock) */
  rateClock?: () => number;
}

export async function startChatgptFake(opts: ChatgptFakeOptions = {}): Promise<ChatgptFake> {
  const unit = opts.unit ?? "credit";
  const state: ChatgptFakeState = {
    workspaceId: opts.workspaceId ?? "ws-123",
    unit,
    keys: new Map(Object.entries(opts.keys ?? { "chatgpt-admin-test": ALL_CHATGPT_SCOPES })),
    users: opts.users ?? [],
    groups: opts.groups ?? [],
    workspaceDefault: opts.workspaceDefault ?? {
      type: "limited",
      limit_amount: { amount: unit === "credit" ? "100" : "50.00", unit },
    },
    overrides: new Map(),
    usage: [],
    monthUsage: new Map(),
    faults: [],
    rate: new RateWindow(opts.perMinute ?? 100, opts.rateClock),
    log: [],
    clock: opts.clock ?? Date.now,
  };
  const user = (id: string) => state.users.find((u) => u.id === id);

  function liveOverride(userId: string): Rule | null {
    const o = state.overrides.get(userId);
    if (o?.limit_expires_at && o.limit_expires_at * 1000 <= state.clock()) {
      state.overrides.delete(userId);
      return null;
    }
    return o ?? null;
  }
  function inherited(userId: string): { limit: Rule; source: Record<string, string> } {
    const groups = state.groups.filter((g) => g.userIds.includes(userId) && g.limit);
    if (groups.length) {
      const best = groups.reduce((a, b) => (amountOf(b.limit!) > amountOf(a.limit!) ? b : a));
      return {
        limit: best.limit!,
        source: { kind: "group_default", group_id: best.id, group_name: best.name },
      };
    }
    return {
      limit: state.workspaceDefault,
      source: { kind: "workspace_default", seat_type: "default" },
    };
  }
  function limitObject(userId: string) {
    const o = liveOverride(userId);
    const inh = inherited(userId);
    return {
      object: "workspace.user.usage_limit",
      id: userId,
      account_user_id: `${userId}__${state.workspaceId}`,
      override_monthly_usage_limit: o ? [o] : null,
      effective_monthly_usage_limit: o
        ? { limit: o, source: { kind: "individual_override" } }
        : inh,
      inherited_monthly_usage_limit: inh,
    };
  }
  function page<T>(
    items: T[],
    q: URLSearchParams,
    filterKey: string,
    param: "page" | "cursor",
  ): FakeResponse | { data: T[]; has_more: boolean; next: string | null } {
    const limit = q.get("limit") === null ? 20 : Number(q.get("limit"));
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
      return err(400, "limit must be an integer between 1 and 1000");
    const offset = readPageToken(q.get(param), filterKey);
    if (offset === "mismatch") return err(400, `invalid ${param}`);
    const more = offset + limit < items.length;
    return {
      data: items.slice(offset, offset + limit),
      has_more: more,
      next: more ? pageToken(offset + limit, filterKey) : null,
    };
  }

  function handle(req: FakeRequest): FakeResponse {
    const auth = req.headers.authorization;
    const key = typeof auth === "string" && auth.startsWith("Bearer ") ? auth.slice(7) : null;
    const scopes = key ? state.keys.get(key) : undefined;
    if (!scopes) return err(401, "Invalid or missing admin API key", "authentication_error");
    const fault = takeFault(state.faults, req.method, req.path);
    if (fault)
      return fault.status === 429
        ? err(429, "Rate limit exceeded", "rate_limit_error", {
            "retry-after": fault.retryAfter ?? "1",
          })
        : err(fault.status, "Internal error", "server_error");
    const routeKey = `${req.method} ${req.path.replace(/users\/[^/]+/, "users/{id}").replace(/groups\/[^/]+/, "groups/{id}")}`;
    const wait = state.rate.take(routeKey);
    if (wait !== null)
      return err(429, "Rate limit exceeded: 100 requests per minute", "rate_limit_error", {
        "retry-after": String(wait),
      });
    const need = (s: string) =>
      scopes.includes(s) ? null : err(403, `Missing scope ${s}`, "permission_error");

    const wsPrefix = `/v1/manage/workspaces/${state.workspaceId}`;
    const p = req.path;
    if (p.startsWith("/v1/manage/workspaces/") && !p.startsWith(wsPrefix + "/"))
      return err(404, "workspace not found", "not_found");
    let m = new RegExp(`^${wsPrefix}/usage_limits/users/([^/]+)(/monthly-usage)?$`).exec(p);
    if (m) {
      const id = decodeURIComponent(m[1]!);
      if (!user(id)) return err(404, `user ${id} not found`, "not_found");
      if (req.method === "GET" && m[2]) {
        const denied = need("chatgpt.enterprise.usage_limit.read");
        if (denied) return denied;
        const o = limitObject(id);
        return {
          status: 200,
          body: {
            id,
            account_user_id: o.account_user_id,
            current_month_usage: state.monthUsage.get(id) ?? 0,
            current_month_usage_unit: state.unit,
            effective_monthly_usage_limit: o.effective_monthly_usage_limit.limit,
          },
        };
      }
      if (req.method === "GET")
        return (
          need("chatgpt.enterprise.usage_limit.read") ?? { status: 200, body: limitObject(id) }
        );
      if (req.method === "PATCH") {
        const denied = need("chatgpt.enterprise.usage_limit.write");
        if (denied) return denied;
        const b = req.body as { override_monthly_usage_limit?: unknown } | undefined;
        if (!b || !("override_monthly_usage_limit" in b))
          return err(400, "override_monthly_usage_limit is required");
        const o = b.override_monthly_usage_limit as {
          type?: string;
          limit_amount?: { unit?: string; amount?: string };
          temporary?: unknown;
        } | null;
        if (o === null) {
          state.overrides.delete(id);
          return { status: 200, body: limitObject(id) };
        }
        if (o.type === "unlimited") {
          state.overrides.set(id, { type: "unlimited" });
          return { status: 200, body: limitObject(id) };
        }
        if (o.type !== "limited")
          return err(400, "override_monthly_usage_limit.type must be limited or unlimited");
        const a = o.limit_amount;
        if (!a || typeof a.amount !== "string")
          return err(400, "limit_amount.amount is required for a limited override");
        if (a.unit !== state.unit)
          return err(400, `limit_amount.unit must be the workspace unit (${state.unit})`);
        const ok =
          state.unit === "credit" ? /^\d+$/.test(a.amount) : /^\d+(\.\d{1,2})?$/.test(a.amount);
        if (!ok)
          return err(
            400,
            state.unit === "credit"
              ? "limit_amount.amount must be a whole number of credits"
              : "limit_amount.amount must be a decimal with at most 2 places",
          );
        if (o.temporary !== undefined && typeof o.temporary !== "boolean")
          return err(400, "temporary must be a boolean");
        const rule: Rule = {
          type: "limited",
          limit_amount: { amount: a.amount, unit: state.unit },
          ...(o.temporary ? { limit_expires_at: endOfMonthSeconds(state.clock()) } : {}),
        };
        state.overrides.set(id, rule);
        return { status: 200, body: limitObject(id) };
      }
    }
    if (req.method === "GET" && p === `${wsPrefix}/users`) {
      const denied = need("chatgpt.enterprise.user.read");
      if (denied) return denied;
      const email = req.query.get("email");
      let list = state.users;
      if (email) list = list.filter((u) => u.email.toLowerCase() === email.toLowerCase());
      const after = req.query.get("after");
      const start = after ? list.findIndex((u) => u.id === after) + 1 : 0;
      const limit = Number(req.query.get("limit") ?? 20);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
        return err(400, "limit must be an integer between 1 and 1000");
      const data = list
        .slice(start, start + limit)
        .map((u) => ({ object: "workspace.user", id: u.id, email: u.email, name: u.name }));
      return {
        status: 200,
        body: {
          object: "list",
          data,
          has_more: start + limit < list.length,
          last_id: data.at(-1)?.id ?? null,
        },
      };
    }
    m = new RegExp(`^${wsPrefix}/groups/([^/]+)(/users)?$`).exec(p);
    if (m && req.method === "GET") {
      const denied = need("chatgpt.enterprise.directory.read");
      if (denied) return denied;
      const g = state.groups.find((x) => x.id === decodeURIComponent(m![1]!));
      if (!g) return err(404, "group not found", "not_found");
      if (!m[2])
        return { status: 200, body: { object: "workspace.group", id: g.id, name: g.name } };
      const pg = page(
        g.userIds.map((id) => ({ id, email: user(id)?.email })),
        req.query,
        `g:${g.id}`,
        "cursor",
      );
      return "status" in pg
        ? pg
        : {
            status: 200,
            body: { object: "list", data: pg.data, has_more: pg.has_more, next_cursor: pg.next },
          };
    }
    if (req.method === "GET" && p === `/v1/analytics/workspaces/${state.workspaceId}/usage`) {
      const denied = need("enterprise.analytics.usage.read");
      if (denied) return denied;
      const start = Number(req.query.get("start_time"));
      const end = Number(req.query.get("end_time"));
      if (!Number.isFinite(start) || !Number.isFinite(end) || end <= start)
        return err(
          400,
          "start_time and end_time must be unix seconds with end_time after start_time",
        );
      const rows = state.usage
        .filter((u) => {
          const t = Date.parse(`${u.day}T00:00:00Z`) / 1000;
          return t >= start && t < end;
        })
        .sort((a, b) =>
          a.day === b.day ? a.userId.localeCompare(b.userId) : a.day < b.day ? -1 : 1,
        )
        .map((u) => {
          const t = Date.parse(`${u.day}T00:00:00Z`) / 1000;
          return {
            object: "workspace.usage.result",
            user_id: u.userId,
            actor: { type: "ACCOUNT_USER", user_id: u.userId },
            start_time: t,
            end_time: t + 86400,
            totals: { credits: u.credits, cost_usd: u.costUsd, estimated_cost_usd: u.estimated },
            clients: [],
          };
        });
      const pg = page(rows, req.query, `u:${start}:${end}`, "page");
      return "status" in pg
        ? pg
        : {
            status: 200,
            body: { object: "page", data: pg.data, has_more: pg.has_more, next_page: pg.next },
          };
    }
    return err(404, `no route ${req.method} ${p}`, "not_found");
  }

  const running = await serve(handle, state.log);
  return {
    ...running,
    url: `${running.url}/v1`,
    state,
    consoleSetOverride(userId, rule) {
      if (rule) state.overrides.set(userId, rule);
      else state.overrides.delete(userId);
    },
    effectiveOf(userId) {
      const o = limitObject(userId);
      return {
        rule: o.effective_monthly_usage_limit.limit,
        kind: o.effective_monthly_usage_limit.source.kind ?? "",
      };
    },
    writes() {
      return state.log.filter((c) => c.method !== "GET");
    },
  };
}
