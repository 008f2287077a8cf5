/**
 * The gateway listener: the budget-check API on its own port (ALLOTMENT_GATEWAY_PORT),
 * started with the server process (instrumentation.ts). Gateways call it on every model
 * request, so it skips Next's router and rendering pipeline — which costs milliseconds per
 * request — and calls the very same route handler the dashboard's /api/v1/budget-check
 * mounts (token auth and scopes included). Everything else stays on the Next port; a
 * separate port also lets operators expose the gateway API only to the gateways' network.
 */
import "server-only";
import http from "node:http";
import { budgetCheckRoute } from "../limits/budget-check-route";

type Handler = (req: Request, ctx: { params: Promise<Record<string, string | string[]>> }) => Promise<Response>;

const ROUTES: Record<string, Handler> = {
  "/api/v1/budget-check": budgetCheckRoute,
};

// the same protective headers next.config.ts sets on the dashboard's responses that matter for JSON
const SECURITY_HEADERS = { "x-content-type-options": "nosniff", "referrer-policy": "strict-origin-when-cross-origin" };

function toRequest(req: http.IncomingMessage, origin: string): Request {
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
  return new Request(origin + (req.url ?? "/"), { method: req.method, headers });
}

async function send(res: http.ServerResponse, response: Response): Promise<void> {
  const body = Buffer.from(await response.arrayBuffer());
  const headers: Record<string, string> = { ...SECURITY_HEADERS, "content-length": String(body.length) };
  response.headers.forEach((value, key) => (headers[key] = value));
  res.writeHead(response.status, headers);
  res.end(body);
}

function plain(res: http.ServerResponse, status: number, error: string, extra: Record<string, string> = {}): void {
  const body = JSON.stringify({ error });
  res.writeHead(status, { ...SECURITY_HEADERS, "content-type": "application/json; charset=utf-8", "content-length": String(Buffer.byteLength(body)), ...extra });
  res.end(body);
}

export function gatewayServer(): http.Server {
  return http.createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0]!;
    const handler = ROUTES[path];
    if (!handler) return plain(res, 404, `Not found: this port serves ${Object.keys(ROUTES).join(", ")}`);
    if (req.method !== "GET") return plain(res, 405, "Method not allowed", { allow: "GET" });
    const origin = `http://${req.headers.host ?? "localhost"}`;
    handler(toRequest(req, origin), { params: Promise.resolve({}) })
      .then((response) => send(res, response))
      .catch(() => plain(res, 500, "Something went wrong on the server"));
  });
}

let started: http.Server | null = null;

/** Starts the listener once per process; resolves when it listens (rejects if the port is taken). */
export function startGatewayServer(port: number, host: string): Promise<http.Server> {
  if (started) return Promise.resolve(started);
  const server = gatewayServer();
  server.keepAliveTimeout = 65_000; // gateways keep connections open; outlive typical proxy idle timeouts
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      started = server;
      console.error(`[gateway] budget-check API listening on http://${host}:${port}/api/v1/budget-check`);
      resolve(server);
    });
  });
}
