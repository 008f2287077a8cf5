/**
 * A local fake of the Codex Analytics API's usage route (VENDOR-APIS.md §4.3), serving the
 * pages of fixtures/codex/ by day (`start_time`, Unix seconds) and by the opaque next_page
 * cursor, sent as `page` or as `cursor` (the parameter's name is Unconfirmed: the fake takes
 * the one it is told to). Test code only; loopback.
 */
import { readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";

export const CODEX_FAKE_KEY = "sk-proj-codex-analytics-fake";
export const CODEX_FAKE_WORKSPACE = "ws-acme";

type Page = { data: Record<string, unknown>[]; has_more: boolean; next_page: string | null };

/** The fixture pages of each day, in order (fresh copies: tests may edit them). */
export function loadCodexPages(): Map<string, Page[]> {
  const dir = path.join(import.meta.dirname, "fixtures", "codex");
  const out = new Map<string, Page[]>();
  for (const name of readdirSync(dir).sort()) {
    const m = /^usage\.(\d{4}-\d{2}-\d{2})\.page-(\d+)\.json$/.exec(name);
    if (!m) continue;
    const pages = out.get(m[1]!) ?? [];
    pages[Number(m[2]) - 1] = JSON.parse(readFileSync(path.join(dir, name), "utf8")) as Page;
    out.set(m[1]!, pages);
  }
  return out;
}

export interface CodexFake {
  baseUrl: string;
  pages: Map<string, Page[]>;
  /** the query parameter that carries the cursor */
  pageParam: "page" | "cursor";
  /** "403": the key is not scoped for analytics */
  fault: "403" | null;
  requests: string[];
  close(): Promise<void>;
}

export async function startCodexFake(): Promise<CodexFake> {
  const state = {
    pages: loadCodexPages(),
    pageParam: "page" as "page" | "cursor",
    fault: null as "403" | null,
    requests: [] as string[],
  };
  const send = (res: import("node:http").ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (req.headers.authorization !== `Bearer ${CODEX_FAKE_KEY}`)
      return send(res, 401, {
        error: { message: "Incorrect API key provided", type: "invalid_request_error" },
      });
    state.requests.push(url.pathname + url.search);
    if (state.fault === "403")
      return send(res, 403, {
        error: {
          message: "Missing scope: codex.enterprise.analytics.read",
          type: "invalid_request_error",
        },
      });
    if (url.pathname !== `/v1/analytics/codex/workspaces/${CODEX_FAKE_WORKSPACE}/usage`)
      return send(res, 404, { error: { message: `no route ${url.pathname}` } });
    const start = Number(url.searchParams.get("start_time"));
    const end = Number(url.searchParams.get("end_time"));
    if (!Number.isInteger(start) || !Number.isInteger(end) || end <= start)
      return send(res, 400, { error: { message: "start_time and end_time must be Unix seconds" } });
    const day = new Date(start * 1000).toISOString().slice(0, 10);
    const pages = state.pages.get(day) ?? [{ data: [], has_more: false, next_page: null }];
    const cursor = url.searchParams.get(state.pageParam);
    if (cursor === null) return send(res, 200, { object: "page", ...pages[0] });
    const at = pages.findIndex((p) => p.next_page === cursor);
    if (at < 0 || !pages[at + 1])
      return send(res, 400, { error: { message: `unknown cursor ${cursor}` } });
    return send(res, 200, { object: "page", ...pages[at + 1] });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1/analytics/codex`,
    get pages() {
      return state.pages;
    },
    set pages(v) {
      state.pages = v;
    },
    get pageParam() {
      return state.pageParam;
    },
    set pageParam(v) {
      state.pageParam = v;
    },
    get fault() {
      return state.fault;
    },
    set fault(v) {
      state.fault = v;
    },
    requests: state.requests,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
