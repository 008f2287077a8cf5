/**
 * The gateway listener: the budget-check API on its own port (ALLOTMENT_GATEWAY_PORT),
 * started with the server process (instrumentation.ts). Gateways call it on every model
 * request, so it skips Next's router and rendering pipeline — which costs milliseconds per
 * request — and the web Request/Response objects, and calls the very same answer function
 * the dashboard's /api/v1/budget-check route uses (token auth and scopes included, through
 * lib/auth/token-route.ts). Everything else stays on the Next port; a
 * separate port also lets operators expose the gateway API only to the gateways' network.
 */
import "server-only";

import http from "node:http";

import { JSON_HEADERS, type JsonAnswer } from "../auth/guards";
import { toJsonText } from "../core/json";
import { answerBudgetCheck } from "../limits/budget-check-route";

type Answer = (authorization: string | null, params: URLSearchParams) => Promise<JsonAnswer>;

const ROUTES: Record<string, Answer> = {
  "/api/v1/budget-check": answerBudgetCheck,
};

// what json() and next.config.ts put on the dashboard's JSON responses
const BASE_HEADERS = {
  ...JSON_HEADERS,
  "x-content-type-options": "nosniff",
  "referrer-policy": "strict-origin-when-cross-origin",
};

function send(res: http.ServerResponse, a: JsonAnswer): void {
  const body = Buffer.from(toJsonText(a.body), "utf8");
  res.writeHead(a.status, { ...BASE_HEADERS, ...a.headers, "content-length": String(body.length) });
  res.end(body);
}

export function gatewayServer(): http.Server {
  return http.createServer((req, res) => {
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const answer = ROUTES[q === -1 ? url : url.slice(0, q)];
    if (!answer)
      return send(res, {
        status: 404,
        body: { error: `Not found: this port serves ${Object.keys(ROUTES).join(", ")}` },
      });
    if (req.method !== "GET")
      return send(res, {
        status: 405,
        body: { error: "Method not allowed" },
        headers: { allow: "GET" },
      });
    const auth = req.headers.authorization;
    answer(auth ?? null, new URLSearchParams(q === -1 ? "" : url.slice(q + 1)))
      .then((a) => send(res, a))
      .catch(() =>
        send(res, { status: 500, body: { error: "Something went wrong on the server" } }),
      );
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
      console.error(
        `[gateway] budget-check API listening on http://${host}:${port}/api/v1/budget-check`,
      );
      resolve(server);
    });
  });
}
