/**
 * A local fake of the OpenAI Administration API (under /openai/v1) and the Anthropic Admin
 * API (under /anthropic/v1), serving the fixture data: aggregates by the requested
 * group_by, paginates days by `limit` with next_page, checks auth headers, and injects
 * faults on demand. Test code only; no network beyond loopback.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

import { sharedAnalyticsFake } from "./anthropic-analytics";
import { loadFixtureData, type ProviderData, type Result } from "./data";

export type FaultKind = "429" | "500" | "timeout" | "malformed" | "crash" | "403";

export interface Fault {
  /** matched against the end of the request path, e.g. "/organization/costs" */
  path: string;
  kind: FaultKind;
  /** matching requests let through before the fault starts */
  skip?: number;
  /** how many times it fires (default 1; Infinity = until removed) */
  times?: number;
  /** seconds, for 429 */
  retryAfter?: number;
  /** ms the response is held, for timeout */
  delayMs?: number;
}

export interface FakeProvider {
  url: string;
  openaiBase: string;
  anthropicBase: string;
  data: ProviderData;
  faults: Fault[];
  /** every request path + query served (after auth), for assertions */
  requests: string[];
  close(): Promise<void>;
}

export interface FakeProviderOptions {
  openaiKey?: string;
  anthropicKey?: string;
  port?: number;
  /** the most Claude Code records per page, whatever `limit` asks (tests of its pagination) */
  claudeCodePageSize?: number;
}

const OPENAI_USAGE_DIMS = ["project_id", "user_id", "api_key_id", "model", "batch", "service_tier"];
/** group_by of the other usage endpoints (openai/openai-openapi) */
const OPENAI_ENDPOINT_DIMS: Record<string, string[]> = {
  embeddings: ["project_id", "user_id", "api_key_id", "model"],
  moderations: ["project_id", "user_id", "api_key_id", "model"],
  images: ["project_id", "user_id", "api_key_id", "model"],
  audio_speeches: ["project_id", "user_id", "api_key_id", "model"],
  audio_transcriptions: ["project_id", "user_id", "api_key_id", "model"],
  web_search_calls: ["project_id", "user_id", "api_key_id", "model"],
  file_search_calls: ["project_id", "user_id", "api_key_id", "vector_store_id"],
  code_interpreter_sessions: ["project_id"],
  vector_stores: ["project_id"],
};
const OPENAI_COST_DIMS = ["project_id", "line_item", "api_key_id"];
const ANTHROPIC_USAGE_DIMS = [
  "api_key_id",
  "workspace_id",
  "model",
  "service_tier",
  "context_window",
  "account_id",
  "service_account_id",
  "inference_geo",
];
const ANTHROPIC_COST_DIMS = ["workspace_id", "description"];
// cost-report detail that goes with a description
const ANTHROPIC_COST_DETAIL = [
  "model",
  "token_type",
  "cost_type",
  "service_tier",
  "context_window",
];

function addValues(a: unknown, b: unknown): unknown {
  if (typeof a === "number" && typeof b === "number") return a + b;
  if (
    typeof a === "string" &&
    typeof b === "string" &&
    /^-?\d+(\.\d+)?$/.test(a) &&
    /^-?\d+(\.\d+)?$/.test(b)
  ) {
    const scale = 10n ** 9n;
    const toScaled = (s: string) => {
      const [w, f = ""] = s.replace("-", "").split(".");
      const v = BigInt(w!) * scale + BigInt((f + "000000000").slice(0, 9));
      return s.startsWith("-") ? -v : v;
    };
    const sum = toScaled(a) + toScaled(b);
    const abs = sum < 0n ? -sum : sum;
    const frac = (abs % scale).toString().padStart(9, "0").replace(/0+$/, "");
    return `${sum < 0n ? "-" : ""}${abs / scale}${frac ? "." + frac : ""}`;
  }
  if (a && b && typeof a === "object" && typeof b === "object") {
    const out: Result = { ...(a as Result) };
    for (const [k, v] of Object.entries(b as Result)) out[k] = k in out ? addValues(out[k], v) : v;
    return out;
  }
  return a;
}

/** Aggregates results by the requested dimensions; unrequested dimensions become null. */
function aggregate(
  results: Result[],
  dims: string[],
  groupBy: string[],
  detail: string[] = [],
): Result[] {
  const groups = new Map<string, Result>();
  for (const r of results) {
    const keyed: Result = { ...r };
    for (const d of dims) if (!groupBy.includes(d)) keyed[d] = null;
    if (!groupBy.includes("description")) for (const d of detail) delete keyed[d];
    const key = JSON.stringify(dims.map((d) => keyed[d] ?? null));
    const prev = groups.get(key);
    groups.set(key, prev ? (addValues(prev, keyed) as Result) : keyed);
  }
  return [...groups.values()];
}

function days(startDay: string, endExclusive: string): string[] {
  const out: string[] = [];
  for (
    let t = Date.parse(`${startDay}T00:00:00Z`);
    t < Date.parse(`${endExclusive}T00:00:00Z`);
    t += 86_400_000
  ) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

const dayOfUnix = (s: string) => new Date(Number(s) * 1000).toISOString().slice(0, 10);

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

function paginate(
  q: URLSearchParams,
  allDays: string[],
  bucketOf: (day: string) => Result,
  pageLimit: number,
) {
  const limit = Math.max(1, Number(q.get("limit") ?? pageLimit));
  const offset = q.get("page")
    ? Number(Buffer.from(q.get("page")!.replace(/^page_/, ""), "base64url").toString())
    : 0;
  const slice = allDays.slice(offset, offset + limit);
  const hasMore = offset + limit < allDays.length;
  return {
    data: slice.map(bucketOf),
    has_more: hasMore,
    next_page: hasMore ? `page_${Buffer.from(String(offset + limit)).toString("base64url")}` : null,
  };
}

function malform(body: Result): Result {
  const data = body.data as Result[] | undefined;
  const bucket = data?.[data.length - 1];
  const results = bucket?.results as Result[] | undefined;
  if (results?.length) {
    const first = results[0]!;
    const field =
      Object.keys(first).find((k) => typeof first[k] === "number") ?? Object.keys(first)[0]!;
    first[field] = "not-a-number";
  } else body.data = "not-a-list";
  return body;
}

export async function startFakeProvider(opts: FakeProviderOptions = {}): Promise<FakeProvider> {
  const openaiKey = opts.openaiKey ?? "sk-admin-fake-openai";
  const anthropicKey = opts.anthropicKey ?? "sk-ant-admin-fake";
  const state = {
    data: loadFixtureData(),
    faults: [] as Fault[],
    requests: [] as string[],
    hits: new Map<Fault, number>(),
  };
  const held = new Set<ServerResponse>();

  function route(pathName: string, q: URLSearchParams): { status: number; body: unknown } {
    const groupBy = [...q.getAll("group_by"), ...q.getAll("group_by[]")];
    const d = state.data;
    if (pathName.startsWith("/openai/v1/")) {
      const p = pathName.slice("/openai/v1".length);
      const win = () =>
        days(
          dayOfUnix(q.get("start_time") ?? "0"),
          dayOfUnix(q.get("end_time") ?? String(Number(q.get("start_time")) + 7 * 86400)),
        );
      const bucket =
        (source: Map<string, Result[]>, dims: string[], kind: string) => (day: string) => {
          const start = Date.parse(`${day}T00:00:00Z`) / 1000;
          const results = aggregate(source.get(day) ?? [], dims, groupBy).map((r) => ({
            ...r,
            object: `organization.${kind}.result`,
          }));
          return { object: "bucket", start_time: start, end_time: start + 86400, results };
        };
      if (p === "/organization/usage/completions")
        return {
          status: 200,
          body: {
            object: "page",
            ...paginate(
              q,
              win(),
              bucket(d.openai.usage, OPENAI_USAGE_DIMS, "usage.completions"),
              7,
            ),
          },
        };
      const endpoint = /^\/organization\/usage\/([a-z_]+)$/.exec(p)?.[1];
      if (endpoint && OPENAI_ENDPOINT_DIMS[endpoint]) {
        const source = d.openai.endpoints?.get(endpoint) ?? new Map<string, Result[]>();
        return {
          status: 200,
          body: {
            object: "page",
            ...paginate(
              q,
              win(),
              bucket(source, OPENAI_ENDPOINT_DIMS[endpoint], `usage.${endpoint}`),
              7,
            ),
          },
        };
      }
      if (p === "/organization/costs")
        return {
          status: 200,
          body: {
            object: "page",
            ...paginate(q, win(), bucket(d.openai.costs, OPENAI_COST_DIMS, "costs"), 7),
          },
        };
      const list = (items: Result[]) => ({
        object: "list",
        data: items,
        first_id: items[0]?.id ?? null,
        last_id: items.at(-1)?.id ?? null,
        has_more: false,
      });
      if (p === "/organization/users") return { status: 200, body: list(d.openai.users) };
      if (p === "/organization/projects") return { status: 200, body: list(d.openai.projects) };
    }
    if (pathName.startsWith("/anthropic/v1/")) {
      const p = pathName.slice("/anthropic/v1".length);
      const start = (q.get("starting_at") ?? "").slice(0, 10);
      const end =
        (q.get("ending_at") ?? "").slice(0, 10) ||
        new Date(Date.parse(`${start}T00:00:00Z`) + 7 * 86_400_000).toISOString().slice(0, 10);
      const bucket =
        (source: Map<string, Result[]>, dims: string[], detail: string[] = []) =>
        (day: string) => {
          const next = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000)
            .toISOString()
            .slice(0, 10);
          return {
            starting_at: `${day}T00:00:00Z`,
            ending_at: `${next}T00:00:00Z`,
            results: aggregate(source.get(day) ?? [], dims, groupBy, detail),
          };
        };
      if (p === "/organizations/usage_report/messages")
        return {
          status: 200,
          body: paginate(q, days(start, end), bucket(d.anthropic.usage, ANTHROPIC_USAGE_DIMS), 7),
        };
      if (p === "/organizations/cost_report")
        return {
          status: 200,
          body: paginate(
            q,
            days(start, end),
            bucket(d.anthropic.costs, ANTHROPIC_COST_DIMS, ANTHROPIC_COST_DETAIL),
            7,
          ),
        };
      if (p === "/organizations/usage_report/claude_code") {
        const records = d.anthropic.claudeCode.get(start) ?? [];
        // documented: default 20, max 1000; a server may send fewer (opts.claudeCodePageSize)
        const limit = Math.min(
          Number(q.get("limit") ?? 20),
          1000,
          opts.claudeCodePageSize ?? Infinity,
        );
        const page = q.get("page");
        const offset = page
          ? Number(Buffer.from(page.replace(/^page_/, ""), "base64url").toString())
          : 0;
        const more = offset + limit < records.length;
        return {
          status: 200,
          body: {
            data: records.slice(offset, offset + limit),
            has_more: more,
            // an opaque cursor, as documented ("page_MjAyNS0wNS0xNFQwMDowMDowMFo=")
            next_page: more
              ? `page_${Buffer.from(String(offset + limit)).toString("base64url")}`
              : null,
          },
        };
      }
    }
    return {
      status: 404,
      body: { error: { type: "not_found_error", message: `no route ${pathName}` } },
    };
  }

  function authorized(
    req: IncomingMessage,
    pathName: string,
  ): { status: number; message: string } | null {
    if (pathName.startsWith("/openai/")) {
      return req.headers.authorization === `Bearer ${openaiKey}`
        ? null
        : { status: 401, message: "Incorrect API key provided" };
    }
    if (pathName.startsWith("/anthropic/")) {
      if (req.headers["anthropic-version"] !== "2023-06-01")
        return { status: 400, message: "anthropic-version header is required" };
      return req.headers["x-api-key"] === anthropicKey
        ? null
        : { status: 401, message: "invalid x-api-key" };
    }
    return null;
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const denied = authorized(req, url.pathname);
    if (denied)
      return send(res, denied.status, {
        type: "error",
        error: { type: "authentication_error", message: denied.message },
      });
    state.requests.push(url.pathname + url.search);
    if (url.pathname.startsWith("/anthropic/v1/organizations/analytics/"))
      return ((a) => send(res, a.status, a.body))(sharedAnalyticsFake().serve(req, url));
    const fault = state.faults.find((f) => {
      if (!url.pathname.endsWith(f.path)) return false;
      const hits = (state.hits.get(f) ?? 0) + 1;
      state.hits.set(f, hits);
      const skip = f.skip ?? 0;
      return hits > skip && hits <= skip + (f.times ?? 1);
    });
    const { status, body } = route(url.pathname, url.searchParams);
    switch (fault?.kind) {
      case "429":
        return send(
          res,
          429,
          {
            error: {
              message: "Rate limit reached for organization usage requests.",
              type: "requests",
              code: "rate_limit_exceeded",
            },
          },
          { "retry-after": String(fault.retryAfter ?? 1) },
        );
      case "500":
        return send(res, 500, {
          error: {
            message: "The server had an error while processing your request.",
            type: "server_error",
          },
        });
      case "403": // a key that may not read this report (Anthropic's documented error body)
        return send(res, 403, {
          type: "error",
          error: { type: "permission_error", message: "This API key cannot access this report." },
          request_id: "req_fake_403",
        });
      case "crash":
        req.socket.destroy();
        return;
      case "timeout": {
        held.add(res);
        const timer = setTimeout(() => {
          held.delete(res);
          if (!res.destroyed) send(res, status, body);
        }, fault.delayMs ?? 5_000);
        res.on("close", () => clearTimeout(timer));
        return;
      }
      case "malformed":
        return send(res, status, malform(body as Result));
      default:
        return send(res, status, body);
    }
  });

  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    openaiBase: `${url}/openai/v1`,
    anthropicBase: `${url}/anthropic/v1`,
    get data() {
      return state.data;
    },
    set data(v: ProviderData) {
      state.data = v;
    },
    faults: state.faults,
    requests: state.requests,
    async close() {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
