/**
 * A local fake of the Cursor Admin API (shared/VENDOR-APIS.md §3), built from the documented
 * shapes: HTTP Basic with the key as user name, `GET /teams/members`, `POST /teams/spend`
 * (current billing cycle, paged), `POST /teams/filtered-usage-events` (inclusive epoch-ms
 * window, page/pageSize ≤ 1000, fractional cents), `POST /teams/user-spend-limit` (whole
 * dollars or null, `{outcome, message}`), per-route per-minute limits (the newer CUR-ADMIN
 * table) answering 429 without Retry-After as documented, and injected faults.
 *
 * Cursor's own rule lives here, not in Allotment's code: a member has at most one spend limit
 * of their own (set through the API or the console), else the team's per-member monthly limit,
 * else none; a chargeable (on-demand) request is refused once the member's on-demand spend
 * this cycle has reached the limit (the request that crosses it finishes). Included usage is
 * not limited. Money is kept as integer micro-cents, so the truth a test compares against is
 * computed here independently of the adapter.
 */
import {
  RateWindow,
  serve,
  type CallLog,
  type FakeRequest,
  type FakeResponse,
  type RunningFake,
} from "./http";

export interface CursorMember {
  id: string;
  email: string;
  name: string;
  role: string;
  isRemoved: boolean;
}

export interface CursorEvent {
  timestampMs: number;
  /** null for service-account events */
  email: string | null;
  serviceAccountId?: string;
  model: string;
  kind: string;
  maxMode: boolean;
  isChargeable: boolean;
  /** micro-cents (10⁻⁶ cent): exact */
  chargedMicroCents: bigint;
  tokens: { input: number; output: number; cacheWrite: number; cacheRead: number };
}

export type CursorFault = (
  | { match?: RegExp; status: number; retryAfter?: string }
  | {
      match: RegExp;
      malformed: "chargedCents" | "timestamp" | "pagination" | "spendCents" | "email";
    }
) & {
  times: number;
  /** matching calls answered normally before this fault starts */
  after?: number;
};

/** Requests per minute per route: the newer CUR-ADMIN table; routes it does not list get 20. */
export const CURSOR_FAKE_LIMITS: Record<string, number> = {
  "/teams/user-spend-limit": 250,
  "/teams/filtered-usage-events": 60,
  "/teams/daily-usage-data": 20,
};

export interface CursorFakeState {
  keys: Set<string>;
  members: CursorMember[];
  /** the team's per-member monthly limit (console setting), whole dollars; null = none */
  teamLimitDollars: number | null;
  /** members' own limits by lower-case email, whole dollars (0 is a $0 limit) */
  overrides: Map<string, number>;
  events: CursorEvent[];
  cycleStartMs: number;
  faults: CursorFault[];
  rates: Map<string, RateWindow>;
  log: CallLog[];
  /** chargeable requests Cursor refused because of a spend limit */
  refused: number;
  /** HTTP status of an `{"outcome":"error"}` answer: unconfirmed, so tests run both */
  errorStatus: number;
  /** a refusal every write gets (e.g. a team that is not on Enterprise); null = writes go */
  refuseWrites: string | null;
  /** send Retry-After on rate-limit 429s (undocumented; off by default) */
  retryAfterOn429: boolean;
  /** effectivePerUserLimitDollars of a member without any limit (typed number: 0 by default) */
  noLimitEffective: 0 | null;
  /** billing groups (§3.6) by member email; null = a team whose API has no groups route (404) */
  groups: { id: string; name: string; emails: string[] }[] | null;
}

export interface CursorFake extends RunningFake {
  state: CursorFakeState;
  /** the limit Cursor applies to a member now (whole dollars; null = none), by Cursor's rule */
  effectiveLimit(email: string): number | null;
  /** on-demand spend this cycle, micro-cents */
  spendMicroCents(email: string): bigint;
  /** a member uses Cursor: recorded unless Cursor's limit refuses it; true when recorded */
  use(event: CursorEvent): boolean;
  /** an admin edits a member's limit in Cursor's console */
  consoleSetLimit(email: string, dollars: number | null): void;
  /** per `day|email|model` (email "" = no user): exact sums in micro-cents */
  truth(): Map<string, { charged: bigint; chargeable: bigint; included: bigint; events: number }>;
  writes(): CallLog[];
}

export interface CursorFakeOptions {
  keys?: string[];
  members?: CursorMember[];
  teamLimitDollars?: number | null;
  cycleStartMs?: number;
  /** per-route overrides of CURSOR_FAKE_LIMITS (path → per minute) */
  perMinute?: Record<string, number>;
  /** the clock of the per-minute windows (default: the machine's clock) */
  rateClock?: () => number;
}

/** micro-cents → the JSON number Cursor sends (its shortest text is the exact decimal). */
export function centsNumber(microCents: bigint): number {
  const whole = microCents / 1_000_000n;
  const frac = (microCents % 1_000_000n).toString().padStart(6, "0").replace(/0+$/, "");
  return Number(frac ? `${whole}.${frac}` : `${whole}`);
}

const err = (status: number, error: string, message: string, headers?: Record<string, string>) => ({
  status,
  body: { error, message },
  headers,
});

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export async function startCursorFake(opts: CursorFakeOptions = {}): Promise<CursorFake> {
  const state: CursorFakeState = {
    keys: new Set(opts.keys ?? ["key_cursor_test"]),
    members: opts.members ?? [],
    teamLimitDollars: opts.teamLimitDollars ?? null,
    overrides: new Map(),
    events: [],
    cycleStartMs: opts.cycleStartMs ?? 0,
    faults: [],
    rates: new Map(),
    log: [],
    refused: 0,
    errorStatus: 400,
    refuseWrites: null,
    retryAfterOn429: false,
    noLimitEffective: 0,
    groups: [],
  };
  const limits = { ...CURSOR_FAKE_LIMITS, ...opts.perMinute };
  const rateOf = (path: string) => {
    let w = state.rates.get(path);
    if (!w) state.rates.set(path, (w = new RateWindow(limits[path] ?? 20, opts.rateClock)));
    return w;
  };
  const memberOf = (email: string) =>
    state.members.find((m) => m.email.toLowerCase() === email.toLowerCase() && !m.isRemoved);

  function effectiveLimit(email: string): number | null {
    const own = state.overrides.get(email.toLowerCase());
    if (own !== undefined) return own;
    return state.teamLimitDollars;
  }
  function spendMicroCents(email: string, chargeableOnly = true): bigint {
    let sum = 0n;
    for (const e of state.events)
      if (
        e.email?.toLowerCase() === email.toLowerCase() &&
        e.timestampMs >= state.cycleStartMs &&
        (!chargeableOnly || e.isChargeable)
      )
        sum += e.chargedMicroCents;
    return sum;
  }
  function use(event: CursorEvent): boolean {
    if (event.isChargeable && event.email) {
      const limit = effectiveLimit(event.email);
      if (limit !== null && spendMicroCents(event.email) >= BigInt(limit) * 100_000_000n) {
        state.refused++;
        return false;
      }
    }
    state.events.push(event);
    return true;
  }

  function takeFault(path: string): CursorFault | null {
    const f = state.faults.find((x) => x.times > 0 && (!x.match || x.match.test(path)));
    if (!f) return null;
    if (f.after) {
      f.after--;
      return null;
    }
    f.times--;
    return f;
  }

  function eventView(e: CursorEvent) {
    const totalMicroCents = (e.chargedMicroCents * 95n) / 100n;
    return {
      timestamp: String(e.timestampMs),
      ...(e.email ? { userEmail: e.email } : {}),
      ...(e.serviceAccountId
        ? { serviceAccountId: e.serviceAccountId, serviceAccountName: "CI bot" }
        : {}),
      conversationId: `conv-${e.timestampMs}`,
      model: e.model,
      kind: e.kind,
      maxMode: e.maxMode,
      requestsCosts: 1,
      isTokenBasedCall: true,
      isChargeable: e.isChargeable,
      isHeadless: false,
      tokenUsage: {
        inputTokens: e.tokens.input,
        outputTokens: e.tokens.output,
        cacheWriteTokens: e.tokens.cacheWrite,
        cacheReadTokens: e.tokens.cacheRead,
        totalCents: centsNumber(totalMicroCents),
      },
      chargedCents: centsNumber(e.chargedMicroCents),
      cursorTokenFee: centsNumber(e.chargedMicroCents - totalMicroCents),
    };
  }

  function spendRow(m: CursorMember) {
    const own = state.overrides.get(m.email.toLowerCase());
    const eff = effectiveLimit(m.email);
    return {
      userId: m.id,
      name: m.name,
      email: m.email,
      role: m.role,
      spendCents: centsNumber(spendMicroCents(m.email)),
      overallSpendCents: centsNumber(spendMicroCents(m.email, false)),
      fastPremiumRequests: 0,
      // as documented: 0 = no override (a $0 override reads 0 too; effective tells them apart
      // where the team has a limit)
      hardLimitOverrideDollars: own ?? 0,
      monthlyLimitDollars: state.teamLimitDollars,
      effectivePerUserLimitDollars: eff ?? state.noLimitEffective,
    };
  }

  function malform(body: Record<string, unknown>, field: string): void {
    const first = (k: string) => (body[k] as Record<string, unknown>[] | undefined)?.[0];
    if (field === "pagination") delete body.pagination;
    const ev = first("usageEvents");
    if (ev && field === "chargedCents") ev.chargedCents = "twelve cents";
    if (ev && field === "timestamp") ev.timestamp = "2026-11-02T10:00:00Z";
    if (ev && field === "email") ev.userEmail = "not-an-email";
    const sp = first("teamMemberSpend");
    if (sp && field === "spendCents") sp.spendCents = "n/a";
  }

  function handle(req: FakeRequest): FakeResponse {
    const auth = req.headers.authorization ?? "";
    const m = /^Basic (.+)$/.exec(auth);
    const key = m ? Buffer.from(m[1]!, "base64").toString("utf8").replace(/:$/, "") : "";
    if (!state.keys.has(key)) return err(401, "Unauthorized", "Invalid API key");
    const fault = takeFault(`${req.method} ${req.path}`);
    if (fault && "status" in fault)
      return fault.status === 429
        ? err(429, "Too Many Requests", "Rate limit exceeded. Please try again later.", {
            ...(fault.retryAfter ? { "retry-after": fault.retryAfter } : {}),
          })
        : err(fault.status, "Internal Server Error", "Something went wrong");
    const wait = rateOf(req.path).take("team");
    if (wait !== null)
      return err(
        429,
        "Too Many Requests",
        "Rate limit exceeded. Please try again later.",
        state.retryAfterOn429 ? { "retry-after": String(wait) } : undefined,
      );
    const out = route(req);
    if (fault && "malformed" in fault && out.status === 200)
      malform(out.body as Record<string, unknown>, fault.malformed);
    return out;
  }

  function route(req: FakeRequest): FakeResponse {
    const b = (req.body ?? {}) as Record<string, unknown>;
    if (req.method === "GET" && req.path === "/teams/members")
      return {
        status: 200,
        body: {
          teamMembers: state.members.map((m) => ({
            id: m.id,
            name: m.name,
            email: m.email,
            role: m.role,
            isRemoved: m.isRemoved,
          })),
        },
      };
    if (req.method === "GET" && req.path === "/teams/groups") {
      if (state.groups === null) return err(404, "Not Found", "Not found");
      const member = (email: string) => {
        const m = state.members.find((x) => x.email.toLowerCase() === email.toLowerCase());
        return {
          userId: m?.id ?? null,
          name: m?.name ?? null,
          email,
          joinedAt: null,
          leftAt: null,
          spendCents: 0,
        };
      };
      return {
        status: 200,
        body: {
          groups: state.groups.map((g) => ({
            id: g.id,
            name: g.name,
            type: "BILLING",
            directoryGroupId: null,
            memberCount: g.emails.length,
            spendCents: 0,
            currentMembers: g.emails.map(member),
            formerMembers: [],
            dailySpend: [],
          })),
          unassignedGroup: { id: "unassigned", name: "Unassigned", currentMembers: [] },
          billingCycle: { cycleStart: new Date(state.cycleStartMs).toISOString(), cycleEnd: null },
        },
      };
    }
    if (req.method === "POST" && req.path === "/teams/spend") {
      const page = b.page === undefined ? 1 : Number(b.page);
      const pageSize = b.pageSize === undefined ? 100 : Number(b.pageSize);
      if (!Number.isInteger(page) || page < 1 || !Number.isInteger(pageSize) || pageSize < 1)
        return err(400, "Bad Request", "page and pageSize must be positive integers");
      const term = typeof b.searchTerm === "string" ? b.searchTerm.toLowerCase() : "";
      const active = state.members
        .filter(
          (x) =>
            !x.isRemoved &&
            (!term || x.email.toLowerCase().includes(term) || x.name.toLowerCase().includes(term)),
        )
        .sort((x, y) => x.email.localeCompare(y.email));
      const totalPages = Math.ceil(active.length / pageSize);
      return {
        status: 200,
        body: {
          teamMemberSpend: active.slice((page - 1) * pageSize, page * pageSize).map(spendRow),
          subscriptionCycleStart: state.cycleStartMs,
          totalMembers: active.length,
          totalPages,
        },
      };
    }
    if (req.method === "POST" && req.path === "/teams/filtered-usage-events") {
      const page = b.page === undefined ? 1 : Number(b.page);
      const pageSize = b.pageSize === undefined ? 100 : Number(b.pageSize);
      if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000)
        return err(400, "Bad Request", "pageSize must be between 1 and 1000");
      if (!Number.isInteger(page) || page < 1)
        return err(400, "Bad Request", "page must be a positive integer");
      if (
        b.hostingType !== undefined &&
        !["CLOUD", "SELF_HOSTED", "SELF_HOSTED_POOL", "SELF_HOSTED_MACHINE"].includes(
          String(b.hostingType),
        )
      )
        return err(400, "Bad Request", "hostingType is not valid");
      const start = b.startDate === undefined ? -Infinity : Number(b.startDate);
      const end = b.endDate === undefined ? Infinity : Number(b.endDate);
      const email = typeof b.email === "string" ? b.email.toLowerCase() : null;
      // both ends inclusive, newest first
      const all = state.events
        .filter(
          (e) =>
            e.timestampMs >= start &&
            e.timestampMs <= end &&
            (!email || e.email?.toLowerCase() === email),
        )
        .sort((x, y) => y.timestampMs - x.timestampMs);
      const numPages = Math.ceil(all.length / pageSize);
      return {
        status: 200,
        body: {
          totalUsageEventsCount: all.length,
          pagination: {
            numPages,
            currentPage: page,
            pageSize,
            hasNextPage: page < numPages,
            hasPreviousPage: page > 1,
          },
          usageEvents: all.slice((page - 1) * pageSize, page * pageSize).map(eventView),
          period: { startDate: b.startDate ?? null, endDate: b.endDate ?? null },
        },
      };
    }
    if (req.method === "POST" && req.path === "/teams/user-spend-limit") {
      const refuse = (message: string) => ({
        status: state.errorStatus,
        body: { outcome: "error", message },
      });
      if (state.refuseWrites) return refuse(state.refuseWrites);
      const email = b.userEmail;
      if (typeof email !== "string" || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email))
        return refuse("Invalid email format");
      if (!("spendLimitDollars" in b)) return refuse("spendLimitDollars is required");
      const v = b.spendLimitDollars;
      if (v !== null && (typeof v !== "number" || !Number.isInteger(v) || v < 0))
        return refuse("spendLimitDollars must be a whole number of dollars or null");
      if (!memberOf(email)) return refuse(`User ${email} is not a member of this team`);
      if (v === null) state.overrides.delete(email.toLowerCase());
      else state.overrides.set(email.toLowerCase(), v);
      return {
        status: 200,
        body: {
          outcome: "success",
          message:
            v === null
              ? `Spend limit removed for user ${email}`
              : `Spend limit set to $${v} for user ${email}`,
        },
      };
    }
    return err(404, "Not Found", `no route ${req.method} ${req.path}`);
  }

  const running = await serve(handle, state.log);
  return {
    ...running,
    state,
    effectiveLimit,
    spendMicroCents: (email) => spendMicroCents(email),
    use,
    consoleSetLimit(email, dollars) {
      if (dollars === null) state.overrides.delete(email.toLowerCase());
      else state.overrides.set(email.toLowerCase(), dollars);
    },
    truth() {
      const out = new Map<
        string,
        { charged: bigint; chargeable: bigint; included: bigint; events: number }
      >();
      for (const e of state.events) {
        const k = `${dayOf(e.timestampMs)}|${e.email?.toLowerCase() ?? ""}|${e.model}`;
        const t = out.get(k) ?? { charged: 0n, chargeable: 0n, included: 0n, events: 0 };
        t.charged += e.chargedMicroCents;
        if (e.isChargeable) t.chargeable += e.chargedMicroCents;
        else t.included += e.chargedMicroCents;
        t.events++;
        out.set(k, t);
      }
      return out;
    },
    writes: () => state.log.filter((c) => c.path.startsWith("/teams/user-spend-limit")),
  };
}

/** A small deterministic generator (mulberry32) of usage for tests. */
export function cursorUsage(opts: {
  seed: number;
  emails: string[];
  fromMs: number;
  days: number;
  perDay: number;
  models?: string[];
}): CursorEvent[] {
  let a = opts.seed >>> 0;
  const rnd = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const models = opts.models ?? ["claude-4.5-sonnet", "gpt-5", "cursor-small"];
  const out: CursorEvent[] = [];
  for (let d = 0; d < opts.days; d++)
    for (let i = 0; i < opts.perDay; i++) {
      const email = opts.emails[Math.floor(rnd() * opts.emails.length)]!;
      // fractional cents with up to six decimals, some below a micro-dollar
      const micro = BigInt(Math.floor(rnd() * 40_000_000)) + (rnd() < 0.2 ? 7n : 0n);
      out.push({
        timestampMs: opts.fromMs + d * 86_400_000 + Math.floor(rnd() * 86_400_000),
        email: rnd() < 0.05 ? null : email,
        ...(rnd() < 0.05 ? { serviceAccountId: "sa_ci" } : {}),
        model: models[Math.floor(rnd() * models.length)]!,
        kind: rnd() < 0.7 ? "Usage-based" : "Included in Business",
        maxMode: rnd() < 0.3,
        isChargeable: false,
        chargedMicroCents: micro,
        tokens: {
          input: Math.floor(rnd() * 2000),
          output: Math.floor(rnd() * 3000),
          cacheWrite: Math.floor(rnd() * 8000),
          cacheRead: Math.floor(rnd() * 20000),
        },
      });
      const e = out[out.length - 1]!;
      e.isChargeable = e.kind === "Usage-based";
      if (e.email === null) e.serviceAccountId = "sa_ci";
    }
  return out;
}
