/**
 * The production server the HTTP and page sections measure (`next start` on the bench
 * database, the app built first when its sources changed): started once per bench run by
 * the first section that asks for it, stopped when the run ends (run.ts). BENCH_PORT fixes its
 * port (the gateway listener then takes BENCH_PORT + 10000); otherwise both are free ports.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer } from "node:net";

import type { BenchContext } from "./sections";

export interface BenchServer {
  /** http://127.0.0.1:<port> */
  base: string;
  /** the budget-check gateway listener's port (lib/gateway/api-server.ts) */
  gatewayPort: number;
}

/** A port nobody listens on now: fixed ports let two bench runs on one machine (two CI
 * checkouts) reach each other's server, whose database does not know this run's token. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address
          ? resolve(address.port)
          : reject(new Error("no port")),
      );
    });
  });
}

async function waitForServer(base: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 120; i++) {
    if (child.exitCode !== null) throw new Error(`next start exited with ${child.exitCode}`);
    try {
      // answered, and by our child: a server that lost the port race exits at once
      if ((await fetch(`${base}/signin`)).ok && child.exitCode === null) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error("server did not start in 60 s");
}

let running: { child: ChildProcess | null; server: Promise<BenchServer> } | null = null;

/** The run's server (started on first use). */
export function benchServer(ctx: BenchContext): Promise<BenchServer> {
  if (running) return running.server;
  execFileSync("bash", ["-c", "source scripts/lib.sh && ensure_build"], { stdio: "inherit" });
  const fixed = Number(process.env.BENCH_PORT) || 0;
  const run: { child: ChildProcess | null; server: Promise<BenchServer> } = {
    child: null,
    server: Promise.resolve({ base: "", gatewayPort: 0 }),
  };
  running = run;
  run.server = (async () => {
    const port = fixed || (await freePort());
    const gatewayPort = fixed ? fixed + 10_000 : await freePort();
    const base = `http://127.0.0.1:${port}`;
    const child = spawn("npx", ["next", "start", "-p", String(port), "-H", "127.0.0.1"], {
      env: {
        ...process.env,
        DATABASE_URL: ctx.url,
        ALLOTMENT_DEMO_MODE: "1",
        ALLOTMENT_SCHEDULER: "off",
        ALLOTMENT_GATEWAY_PORT: String(gatewayPort),
        ALLOTMENT_SIGNIN_MAX_ATTEMPTS: "1000",
        NEXTAUTH_URL: base,
        NEXTAUTH_SECRET: randomBytes(32).toString("base64url"),
        NEXT_TELEMETRY_DISABLED: "1",
      },
      stdio: "ignore",
      detached: true,
    });
    run.child = child;
    await waitForServer(base, child);
    return { base, gatewayPort };
  })();
  return run.server;
}

/** Stops the run's server, if one was started. */
export function stopBenchServer(): void {
  const child = running?.child;
  running = null;
  if (child?.pid && child.exitCode === null) process.kill(-child.pid, "SIGTERM");
}

function cookiesOf(res: Response, jar: Map<string, string>): void {
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(";");
    const eq = pair!.indexOf("=");
    jar.set(pair!.slice(0, eq), pair!.slice(eq + 1));
  }
}

/** Signs a demo person in; their cookies (name → value). */
export async function signIn(base: string, email: string): Promise<Map<string, string>> {
  const jar = new Map<string, string>();
  const header = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
  const csrfRes = await fetch(`${base}/api/auth/csrf`);
  cookiesOf(csrfRes, jar);
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  const res = await fetch(`${base}/api/auth/callback/demo`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: header() },
    body: new URLSearchParams({ csrfToken, email, json: "true" }),
  });
  cookiesOf(res, jar);
  if (![...jar.keys()].some((k) => k.includes("session-token")))
    throw new Error(`could not sign in as ${email}`);
  return jar;
}

/** The cookies as a Cookie header. */
export function cookieHeader(jar: Map<string, string>): string {
  return [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
}
