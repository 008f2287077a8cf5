/** Shared plumbing of the fake vendor servers: a tiny router, JSON bodies, opaque page tokens, rate windows. */
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}
export interface FakeResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** sent as is (a file download) instead of `body` as JSON */
  text?: string;
}

export interface CallLog {
  method: string;
  path: string;
  status: number;
  body: unknown;
}

export interface RunningFake {
  url: string;
  close(): Promise<void>;
}

export async function serve(
  handle: (req: FakeRequest) => FakeResponse | Promise<FakeResponse>,
  log: CallLog[],
): Promise<RunningFake> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void (async () => {
        const url = new URL(req.url ?? "/", "http://fake");
        const text = Buffer.concat(chunks).toString("utf8");
        let body: unknown = undefined;
        let out: FakeResponse;
        try {
          body = text ? JSON.parse(text) : undefined;
          out = await handle({
            method: req.method ?? "GET",
            path: url.pathname,
            query: url.searchParams,
            headers: req.headers,
            body,
          });
        } catch (error) {
          out = {
            status: 400,
            body: {
              type: "error",
              error: {
                type: "invalid_request_error",
                message: `malformed request: ${error instanceof Error ? error.message : "?"}`,
              },
            },
          };
        }
        log.push({
          method: req.method ?? "GET",
          path: url.pathname + (url.search || ""),
          status: out.status,
          body,
        });
        if (out.text !== undefined) {
          res.writeHead(out.status, { "content-type": "text/csv", ...out.headers });
          res.end(out.text);
          return;
        }
        res.writeHead(out.status, { "content-type": "application/json", ...out.headers });
        res.end(JSON.stringify(out.body));
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Opaque page token bound to the filters it was issued for (as the vendors document). */
export function pageToken(offset: number, filterKey: string): string {
  return Buffer.from(JSON.stringify({ o: offset, f: filterKey })).toString("base64url");
}

export function readPageToken(token: string | null, filterKey: string): number | "mismatch" {
  if (!token) return 0;
  try {
    const v = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as {
      o: number;
      f: string;
    };
    return v.f === filterKey && Number.isInteger(v.o) ? v.o : "mismatch";
  } catch {
    return "mismatch";
  }
}

/** A fixed one-minute window counter; answers the seconds to wait when over. */
export class RateWindow {
  private counts = new Map<string, { start: number; n: number }>();
  constructor(
    public perMinute: number,
    private readonly clock: () => number = Date.now,
  ) {}
  take(key: string): number | null {
    const t = this.clock();
    const start = Math.floor(t / 60_000) * 60_000;
    const c = this.counts.get(key);
    if (!c || c.start !== start) {
      this.counts.set(key, { start, n: 1 });
      return null;
    }
    if (c.n >= this.perMinute) return Math.max(1, Math.ceil((start + 60_000 - t) / 1000));
    c.n++;
    return null;
  }
}

/** Injected faults: the next matching calls answer this instead. */
export interface Fault {
  match?: RegExp;
  status: number;
  retryAfter?: string;
  times: number;
}

export function takeFault(faults: Fault[], method: string, path: string): Fault | null {
  const f = faults.find((x) => x.times > 0 && (!x.match || x.match.test(`${method} ${path}`)));
  if (!f) return null;
  f.times--;
  return f;
}
