/**
 * A local fake of Anthropic's Usage & Cost Analytics API (beta): `GET
 * /v1/organizations/analytics/usage` and `/cost` (VENDOR-APIS.md §1.0/§1.1), served from
 * generated records — users (one deleted), a federated person, a service account and API
 * keys; Claude Code, chat and API products; dated and undated models; tiers, context
 * windows and regions; cost-only rows (web search) and usage without cost. It aggregates by
 * the requested `group_by[]`, ranks rows by spend (cost) or tokens (usage) across the
 * whole range, pages with opaque cursors bound to the query, refuses ranges over 31 days,
 * checks the beta header and answers errors in the §1.0 shape.
 *
 * Its truth (`analyticsTruth`) is computed here from the records in integer micro-dollars,
 * never through the adapter's code. Test code only; loopback only.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export const FAKE_ANALYTICS_KEY = "sk-ant-admin-fake";
const BETA = "analytics-usage-cost-2026-08-24";
const DAY_MS = 86_400_000;

export type Actor =
  | { type: "user_actor"; user_id: string; email_address: string; name: string; deleted: boolean }
  | { type: "service_account_actor"; service_account_id: string }
  | { type: "federated_actor"; provider: string; subject: string }
  | { type: "api_key_actor"; api_key_id: string };

export interface AnalyticsRecord {
  day: string;
  actor: Actor;
  product: string | null;
  model: string;
  workspace_id: string | null;
  api_key_id: string | null;
  service_tier: string;
  context_window: string;
  inference_geo: string;
  tokens: {
    uncached: number;
    cache5m: number;
    cache1h: number;
    cacheRead: number;
    output: number;
    requests: number;
  };
  /** integer micro-units of `currency`; null = no cost row */
  costMicros: bigint | null;
  listMicros: bigint | null;
  currency: string;
}

export interface AnalyticsPerson {
  email: string;
  name: string;
  /** the actor's tagged id (user_…, svac_…, apikey_…) or federated:provider:subject */
  actorId: string;
}

export const ANALYTICS_PEOPLE: AnalyticsPerson[] = [
  { email: "ana.lopez@example.com", name: "Ana Lopez", actorId: "user_01AnaLopez" },
  { email: "ben.okafor@example.com", name: "Ben Okafor", actorId: "user_01BenOkafor" },
  { email: "chen.wei@example.com", name: "Chen Wei", actorId: "user_01ChenWei" },
  {
    email: "dora.kim@example.com",
    name: "Dora Kim",
    actorId: "federated:okta:dora.kim@example.com",
  },
  { email: "build-bot@example.com", name: "Build bot", actorId: "svac_01BuildBot" },
  { email: "search-service@example.com", name: "Search service", actorId: "apikey_01SearchProd" },
];

const ACTORS: Actor[] = [
  {
    type: "user_actor",
    user_id: "user_01AnaLopez",
    email_address: "ana.lopez@example.com",
    name: "Ana Lopez",
    deleted: false,
  },
  {
    type: "user_actor",
    user_id: "user_01BenOkafor",
    email_address: "ben.okafor@example.com",
    name: "Ben Okafor",
    deleted: false,
  },
  // a deleted user still has history
  {
    type: "user_actor",
    user_id: "user_01ChenWei",
    email_address: "chen.wei@example.com",
    name: "Chen Wei",
    deleted: true,
  },
  { type: "federated_actor", provider: "okta", subject: "dora.kim@example.com" },
  { type: "service_account_actor", service_account_id: "svac_01BuildBot" },
  { type: "api_key_actor", api_key_id: "apikey_01SearchProd" },
  // nobody maps this key: its cost stays unattributed, never dropped
  { type: "api_key_actor", api_key_id: "apikey_01Orphan" },
];

export function actorIdOf(a: Actor): string {
  switch (a.type) {
    case "user_actor":
      return a.user_id;
    case "service_account_actor":
      return a.service_account_id;
    case "api_key_actor":
      return a.api_key_id;
    case "federated_actor":
      return `federated:${a.provider}:${a.subject}`;
  }
}
const isPerson = (a: Actor) => a.type === "user_actor" || a.type === "federated_actor";

const MODELS = [
  "claude-sonnet-4-5-20250929",
  "claude-opus-4-6",
  "claude-haiku-4-5-20251001",
  "claude-sonnet-5",
];
/** list price in micro-USD per token: input, output (cache reads 10 %, writes 125 %) */
const PRICES: Record<string, [number, number]> = {
  "claude-sonnet-4-5-20250929": [3, 15],
  "claude-opus-4-6": [5, 25],
  "claude-haiku-4-5-20251001": [1, 5],
  "claude-sonnet-5": [3, 15],
};

function prng(seed: number): () => number {
  let t = seed >>> 0;
  return () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

export function dayList(start: string, end: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${start}T00:00:00Z`); t <= Date.parse(`${end}T00:00:00Z`); t += DAY_MS)
    out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

export const ANALYTICS_WINDOW = { start: "2026-10-10", end: "2026-11-19" };

/** Deterministic records for every day of the window. */
export function generateAnalyticsData(window = ANALYTICS_WINDOW, seed = 16): AnalyticsRecord[] {
  const rnd = prng(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const pick = <T>(xs: T[]) => xs[int(0, xs.length - 1)]!;
  const out: AnalyticsRecord[] = [];
  for (const day of dayList(window.start, window.end)) {
    for (const actor of ACTORS) {
      if (rnd() < 0.15) continue; // not everyone works every day
      const products: (string | null)[] =
        actor.type === "api_key_actor"
          ? [null]
          : actor.type === "service_account_actor"
            ? ["api", "claude_code"]
            : isPerson(actor) && rnd() < 0.3
              ? ["claude_code", "chat"]
              : ["claude_code"];
      for (const product of products) {
        for (let k = int(1, 2); k > 0; k--) {
          const model = pick(MODELS);
          const tier =
            product === "claude_code"
              ? "standard"
              : pick(["standard", "standard", "batch", "priority"]);
          const longContext = rnd() < 0.1;
          const t = {
            uncached: int(1_000, 400_000),
            cache5m: int(0, 50_000),
            cache1h: rnd() < 0.3 ? int(0, 20_000) : 0,
            cacheRead: int(0, 2_000_000),
            output: int(100, 90_000),
            requests: int(1, 400),
          };
          const [pin, pout] = PRICES[model]!;
          const mult =
            (longContext ? 2 : 1) * (tier === "batch" ? 0.5 : tier === "priority" ? 1.5 : 1);
          // list price in whole micro-dollars, then a negotiated 0–15 % discount: the invoiced amount
          const list = BigInt(
            Math.round(
              mult *
                (t.uncached * pin +
                  t.cacheRead * pin * 0.1 +
                  (t.cache5m + t.cache1h) * pin * 1.25 +
                  t.output * pout),
            ),
          );
          const cost = (list * BigInt(100 - int(0, 15))) / 100n;
          out.push({
            day,
            actor,
            product,
            model,
            workspace_id: actor.type === "api_key_actor" ? "wrkspc_01Search" : null,
            api_key_id: actor.type === "api_key_actor" ? actor.api_key_id : null,
            service_tier: tier,
            context_window: longContext ? "200k-1M" : "0-200k",
            inference_geo: pick(["global", "us"]),
            tokens: t,
            costMicros: rnd() < 0.03 ? null : cost,
            listMicros: list,
            currency: "USD",
          });
        }
      }
      // web search on the API: cost without tokens
      if (actor.type === "api_key_actor" && rnd() < 0.5) {
        out.push({
          day,
          actor,
          product: null,
          model: "",
          workspace_id: "wrkspc_01Search",
          api_key_id: actor.api_key_id,
          service_tier: "standard",
          context_window: "0-200k",
          inference_geo: "global",
          tokens: { uncached: 0, cache5m: 0, cache1h: 0, cacheRead: 0, output: 0, requests: 0 },
          costMicros: BigInt(int(1, 40)) * 10_000n,
          listMicros: null,
          currency: "USD",
        });
      }
    }
  }
  return out;
}

export interface AnalyticsTruth {
  /** invoiced micro-USD per day */
  billedByDay: Record<string, bigint>;
  /** invoiced micro-USD per actor id ("" = none) */
  billedByActor: Record<string, bigint>;
  /** invoiced micro-USD per day per actor id */
  billedByDayActor: Record<string, bigint>;
  billedTotal: bigint;
  /** seat-covered cost (seatUsage "included"), micro-USD */
  seatEstimateTotal: bigint;
  /** non-USD amounts per currency, micro-units */
  otherCurrency: Record<string, bigint>;
  outputTokensByProduct: Record<string, bigint>;
  claudeCodeActors: string[];
}

const add = (m: Record<string, bigint>, k: string, v: bigint) => {
  m[k] = (m[k] ?? 0n) + v;
};

/** What the adapter must reproduce, from the records alone. */
export function analyticsTruth(
  records: AnalyticsRecord[],
  seatUsage: "invoiced" | "included" = "invoiced",
  window?: { start: string; end: string },
): AnalyticsTruth {
  const truth: AnalyticsTruth = {
    billedByDay: {},
    billedByActor: {},
    billedByDayActor: {},
    billedTotal: 0n,
    seatEstimateTotal: 0n,
    otherCurrency: {},
    outputTokensByProduct: {},
    claudeCodeActors: [],
  };
  const cc = new Set<string>();
  for (const r of records) {
    if (window && (r.day < window.start || r.day > window.end)) continue;
    add(truth.outputTokensByProduct, r.product ?? "api", BigInt(r.tokens.output));
    if (r.product === "claude_code") cc.add(actorIdOf(r.actor));
    if (r.costMicros === null || r.costMicros === 0n) continue;
    if (r.currency !== "USD") {
      add(truth.otherCurrency, r.currency, r.costMicros);
      continue;
    }
    if (
      seatUsage === "included" &&
      isPerson(r.actor) &&
      r.product !== null &&
      r.product !== "api"
    ) {
      truth.seatEstimateTotal += r.costMicros;
      continue;
    }
    add(truth.billedByDay, r.day, r.costMicros);
    add(truth.billedByActor, actorIdOf(r.actor), r.costMicros);
    add(truth.billedByDayActor, `${r.day}|${actorIdOf(r.actor)}`, r.costMicros);
    truth.billedTotal += r.costMicros;
  }
  truth.claudeCodeActors = [...cc].sort();
  return truth;
}

// ---------- serving ----------

const DIMS = [
  "actor",
  "product",
  "model",
  "workspace_id",
  "api_key_id",
  "service_tier",
  "context_window",
  "inference_geo",
] as const;
const ALL_GROUP_KEYS = [
  "actor",
  "actor_type",
  "agent_id",
  "api_key_id",
  "claude_tag_category",
  "claude_tag_user_id",
  "context_window",
  "deployment_id",
  "environment_id",
  "inference_geo",
  "model",
  "organization_id",
  "product",
  "rbac_group_id",
  "service_tier",
  "session_id",
  "slack_channel_id",
  "speed",
  "user_profile_id",
  "workspace_id",
];

/** micro-units → fractional cents text: 1234567 µ$ = "123.4567" cents */
export function microsToCents(micros: bigint): string {
  const neg = micros < 0n;
  const abs = neg ? -micros : micros;
  const frac = (abs % 10_000n).toString().padStart(4, "0").replace(/0+$/, "");
  return `${neg ? "-" : ""}${abs / 10_000n}${frac ? "." + frac : ""}`;
}

export type AnalyticsFault =
  | { kind: "malformed"; endpoint: "usage" | "cost"; field: "amount" | "tokens" | "actor" | "data" }
  | { kind: "expire-cursor"; endpoint: "usage" | "cost"; times: number }
  | { kind: "error"; endpoint: "usage" | "cost"; status: number; type: string; message: string };

export interface AnalyticsServeOptions {
  /** rows per page when the request gives no limit */
  defaultLimit: number;
  /** cost amounts as JSON numbers instead of decimal strings (the other reading) */
  amountsAsNumbers: boolean;
  /** leave out has_more (paging by next_page alone) */
  omitHasMore: boolean;
  /** leave out optional fields: list_amount, cache_creation, requests, unrequested group keys */
  sparse: boolean;
}

export class AnthropicAnalyticsFake {
  records: AnalyticsRecord[];
  faults: AnalyticsFault[] = [];
  /** path + query of every request served */
  requests: string[] = [];
  options: AnalyticsServeOptions = {
    defaultLimit: 25,
    amountsAsNumbers: false,
    omitHasMore: false,
    sparse: false,
  };

  /** apiKey null: the caller checked the key already (the shared fake provider does) */
  constructor(
    records = generateAnalyticsData(),
    readonly apiKey: string | null = FAKE_ANALYTICS_KEY,
  ) {
    this.records = records;
  }

  /** Answers a request under …/v1/organizations/analytics/; null when the path is not ours. */
  serve(req: IncomingMessage, url: URL): { status: number; body: unknown } {
    const error = (status: number, type: string, message: string) => ({
      status,
      body: {
        type: "error",
        error: { type, message },
        request_id: `req_fake${this.requests.length}`,
      },
    });
    const m = /\/v1\/organizations\/analytics\/(usage|cost)$/.exec(url.pathname);
    if (!m) return error(404, "not_found_error", `no route ${url.pathname}`);
    const endpoint = m[1] as "usage" | "cost";
    if (this.apiKey !== null && req.headers["x-api-key"] !== this.apiKey)
      return error(401, "authentication_error", "invalid x-api-key");
    if (req.headers["anthropic-version"] !== "2023-06-01")
      return error(400, "invalid_request_error", "anthropic-version header is required");
    const betas = String(req.headers["anthropic-beta"] ?? "")
      .split(",")
      .map((s) => s.trim());
    if (!betas.includes(BETA))
      return error(
        400,
        "invalid_request_error",
        `this endpoint is in beta: send anthropic-beta: ${BETA}`,
      );
    this.requests.push(url.pathname + url.search);

    const fault = this.faults.find((f) => f.endpoint === endpoint);
    if (fault?.kind === "error") return error(fault.status, fault.type, fault.message);

    const q = url.searchParams;
    const startText = q.get("starting_at");
    if (!startText || Number.isNaN(Date.parse(startText)))
      return error(400, "invalid_request_error", "starting_at: required RFC 3339 datetime");
    const start = Date.parse(startText);
    if (start < Date.parse("2026-01-01T00:00:00Z"))
      return error(
        400,
        "invalid_request_error",
        "starting_at: must be no earlier than 2026-01-01T00:00:00Z",
      );
    const end = q.get("ending_at") ? Date.parse(q.get("ending_at")!) : start + 31 * DAY_MS;
    if (!(end > start))
      return error(400, "invalid_request_error", "ending_at: must be after starting_at");
    if (end - start > 31 * DAY_MS)
      return error(400, "invalid_request_error", "ending_at: the range may span at most 31 days");
    const width = q.get("time_bucket_width");
    if (width !== null && width !== "1d")
      return error(
        400,
        "invalid_request_error",
        "time_bucket_width: this fake serves 1d buckets only",
      );
    const groupBy = q.getAll("group_by[]");
    for (const g of groupBy) {
      if (
        !(DIMS as readonly string[]).includes(g) &&
        !(endpoint === "cost" && (g === "cost_type" || g === "token_type"))
      ) {
        if (!ALL_GROUP_KEYS.includes(g))
          return error(400, "invalid_request_error", `group_by[]: unknown dimension ${g}`);
      }
    }
    const limit = Math.max(1, Math.min(1000, Number(q.get("limit") ?? this.options.defaultLimit)));

    // aggregate by (bucket, requested dimensions)
    const inRange = this.records.filter((r) => {
      const t = Date.parse(`${r.day}T00:00:00Z`);
      return (
        t >= start && t < end && (endpoint === "usage" ? usageTotal(r) > 0 : r.costMicros !== null)
      );
    });
    const rows = new Map<
      string,
      {
        day: string | null;
        rec: AnalyticsRecord;
        tokens: AnalyticsRecord["tokens"];
        cost: bigint;
        list: bigint;
        listKnown: boolean;
      }
    >();
    for (const r of inRange) {
      const day = width === "1d" ? r.day : null;
      const key = JSON.stringify([
        day,
        r.currency,
        ...DIMS.map((d) =>
          groupBy.includes(d) ? (d === "actor" ? actorIdOf(r.actor) : r[d]) : null,
        ),
      ]);
      const prev = rows.get(key);
      if (!prev)
        rows.set(key, {
          day,
          rec: r,
          tokens: { ...r.tokens },
          cost: r.costMicros ?? 0n,
          list: r.listMicros ?? r.costMicros ?? 0n,
          listKnown: r.listMicros !== null,
        });
      else {
        for (const k of Object.keys(prev.tokens) as (keyof AnalyticsRecord["tokens"])[])
          prev.tokens[k] += r.tokens[k];
        prev.cost += r.costMicros ?? 0n;
        prev.list += r.listMicros ?? r.costMicros ?? 0n;
        prev.listKnown &&= r.listMicros !== null;
      }
    }
    const ranked = [...rows.values()].sort((a, b) =>
      endpoint === "cost"
        ? b.cost > a.cost
          ? 1
          : b.cost < a.cost
            ? -1
            : 0
        : usageTotal({ tokens: b.tokens }) - usageTotal({ tokens: a.tokens }),
    );

    // opaque cursor bound to the query (a cursor reused with other filters is refused)
    const queryKey = [...q.entries()]
      .filter(([k]) => k !== "page" && k !== "limit")
      .map(([k, v]) => `${k}=${v}`)
      .join("&");
    let offset = 0;
    if (q.get("page")) {
      const decoded = (() => {
        try {
          return JSON.parse(Buffer.from(q.get("page")!, "base64url").toString()) as {
            o: number;
            q: string;
          };
        } catch {
          return null;
        }
      })();
      if (!decoded || decoded.q !== queryKey)
        return error(
          400,
          "invalid_request_error",
          "page: cursor does not match current query parameters",
        );
      if (fault?.kind === "expire-cursor" && fault.times > 0) {
        fault.times--;
        return error(410, "invalid_request_error", "page: cursor expired; restart pagination");
      }
      offset = decoded.o;
    }
    const slice = ranked.slice(offset, offset + limit);
    const hasMore = offset + limit < ranked.length;
    const bucketOf = (day: string | null) => {
      const s = day ? Date.parse(`${day}T00:00:00Z`) : Math.floor(start / 3_600_000) * 3_600_000;
      const e = day ? s + DAY_MS : Math.floor(end / 3_600_000) * 3_600_000;
      return {
        starting_at: new Date(s).toISOString().replace(".000Z", "Z"),
        ending_at: new Date(e).toISOString().replace(".000Z", "Z"),
      };
    };
    const data = slice.map((row) => {
      const group: Record<string, unknown> = {};
      for (const g of ALL_GROUP_KEYS) {
        if (groupBy.includes(g))
          group[g] =
            g === "actor"
              ? row.rec.actor
              : ((row.rec as unknown as Record<string, unknown>)[g] ?? null);
        else if (!this.options.sparse) group[g] = null;
      }
      if (endpoint === "cost") {
        group.cost_type = groupBy.includes("cost_type") ? "tokens" : null;
        group.token_type = null;
        const amount = this.options.amountsAsNumbers
          ? Number(microsToCents(row.cost))
          : microsToCents(row.cost);
        const list = this.options.amountsAsNumbers
          ? Number(microsToCents(row.list))
          : microsToCents(row.list);
        const cost: Record<string, unknown> = {
          amount,
          currency: row.rec.currency,
          requests: row.tokens.requests,
        };
        if (!(this.options.sparse || !row.listKnown)) cost.list_amount = list;
        return { ...bucketOf(row.day), group, cost };
      }
      const t = row.tokens;
      const usage: Record<string, unknown> = {
        uncached_input_tokens: t.uncached,
        cache_read_input_tokens: t.cacheRead,
        output_tokens: t.output,
        total_tokens: t.uncached + t.cache5m + t.cache1h + t.cacheRead + t.output,
        server_tool_use: { web_search_requests: 0 },
      };
      if (!this.options.sparse || t.cache5m + t.cache1h > 0)
        usage.cache_creation = {
          ephemeral_1h_input_tokens: t.cache1h,
          ephemeral_5m_input_tokens: t.cache5m,
        };
      usage.requests = this.options.sparse ? null : t.requests;
      return { ...bucketOf(row.day), group, usage };
    });
    const next = hasMore
      ? Buffer.from(JSON.stringify({ o: offset + limit, q: queryKey })).toString("base64url")
      : null;
    const body: Record<string, unknown> = { data, next_page: next };
    if (!this.options.omitHasMore) body.has_more = hasMore;
    if (fault?.kind === "malformed" && data.length) {
      const first = data[0] as unknown as Record<string, Record<string, unknown>>;
      if (fault.field === "amount" && first.cost) first.cost.amount = "12,50";
      if (fault.field === "tokens" && first.usage) first.usage.output_tokens = "many";
      if (fault.field === "actor") first.group!.actor = { type: "user_actor" };
      if (fault.field === "data") body.data = "not-a-list";
    }
    return { status: 200, body };
  }
}

function usageTotal(r: { tokens: AnalyticsRecord["tokens"] }): number {
  const t = r.tokens;
  return t.uncached + t.cache5m + t.cache1h + t.cacheRead + t.output;
}

/** The instance the shared fake provider (server.ts) serves under /anthropic/v1/organizations/analytics/. */
let shared: AnthropicAnalyticsFake | null = null;
export function sharedAnalyticsFake(): AnthropicAnalyticsFake {
  return (shared ??= new AnthropicAnalyticsFake(generateAnalyticsData(), null));
}

export interface RunningAnalyticsFake {
  fake: AnthropicAnalyticsFake;
  /** the base URL an adapter is given (…/v1) */
  baseUrl: string;
  close(): Promise<void>;
}

/** A standalone server with its own records (integration tests change them freely). */
export async function startAnalyticsFake(
  records?: AnalyticsRecord[],
): Promise<RunningAnalyticsFake> {
  const fake = new AnthropicAnalyticsFake(records);
  const server = createServer((req, res: ServerResponse) => {
    const { status, body } = fake.serve(req, new URL(req.url ?? "/", "http://localhost"));
    res.writeHead(status, { "content-type": "application/json", connection: "close" });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    fake,
    baseUrl: `http://127.0.0.1:${port}/v1`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
