/**
 * HTTP: a production server (`next start`) on the bench database. Measures the JSON routes
 * behind the dashboard screens (warm, signed in as the owner) and the budget-check API at
 * 1,000 requests per second, evenly paced (loadtest, in its own process: bench/load-child.ts)
 * — on the gateway listener (the port gateways are meant to call, lib/gateway/api-server.ts);
 * for comparison, autocannon's per-second bursts on that listener and through Next's router.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import path from "node:path";

import { hashToken } from "../../lib/tokens/tokens";
import { latency, round, timed } from "../stats";
import type { BenchContext, Section } from "./index";

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

function cookiesOf(res: Response, jar: Map<string, string>): void {
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(";");
    const eq = pair!.indexOf("=");
    jar.set(pair!.slice(0, eq), pair!.slice(eq + 1));
  }
}

async function signIn(base: string, email: string): Promise<string> {
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
  return header();
}

async function routeLatency(base: string, path: string, cookie: string, n: number) {
  for (let i = 0; i < 2; i++) await fetch(`${base}${path}`, { headers: { cookie } }); // warm
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const { ms, value } = await timed(() =>
      fetch(`${base}${path}`, { headers: { cookie } }).then(async (r) => ({
        status: r.status,
        body: await r.text(),
      })),
    );
    if (value.status !== 200)
      throw new Error(`${path} answered ${value.status}: ${value.body.slice(0, 200)}`);
    samples.push(ms);
  }
  return latency(samples);
}

export const httpSection: Section = {
  name: "http",
  async run(ctx: BenchContext) {
    execFileSync("bash", ["-c", "source scripts/lib.sh && ensure_build"], { stdio: "inherit" });
    const port = await freePort();
    const gatewayPort = await freePort();
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
    try {
      await waitForServer(base, child);
      const cookie = await signIn(base, "owner@bench.example");
      const n = ctx.small ? 15 : 25;
      const routes: Record<string, unknown> = {};
      for (const path of [
        "/api/overview",
        "/api/usage?dimension=member",
        "/api/usage?dimension=group",
        "/api/usage?dimension=costCenter",
        "/api/usage?dimension=product",
        "/api/usage?dimension=model",
      ]) {
        routes[path] = await routeLatency(base, path, cookie, n);
        ctx.log(`http ${path}: ${JSON.stringify(routes[path])}`);
      }

      // budget check: a real token, varied members, 1,000 requests/s for 10 s
      const token = `alm_${randomBytes(24).toString("base64url")}`;
      await ctx.db.apiToken.create({
        data: {
          workspaceId: ctx.workspaceId,
          name: "bench",
          tokenHash: hashToken(token),
          prefix: token.slice(0, 8),
          scopes: "budget:check",
        },
      });
      const members = await ctx.db.member.findMany({
        where: { workspaceId: ctx.workspaceId },
        take: 200,
        select: { email: true },
      });
      const products = ["", "codex", "chatgpt", "claude_code"];
      const paths = members.map(
        (m, i) =>
          `/api/v1/budget-check?member=${encodeURIComponent(m.email)}&product=${products[i % 4]}`,
      );
      const headers = { authorization: `Bearer ${token}` };
      const measure = async (url: string, tool: "paced" | "burst", connections = 10) => {
        const job = {
          tool,
          url,
          headers,
          paths,
          rate: 1000,
          seconds: ctx.small ? 5 : 10,
          connections,
        };
        const out = execFileSync(path.resolve("node_modules/.bin/tsx"), ["bench/load-child.ts"], {
          env: { ...process.env, BENCH_LOAD_JOB: JSON.stringify(job) },
          encoding: "utf8",
        });
        const r = JSON.parse(out.trim().split("\n").pop() ?? "{}") as Record<string, number>;
        return {
          url: `${url}/api/v1/budget-check`,
          target_rps: 1000,
          ...r,
          achieved_rps: round(r.achieved_rps ?? 0),
        };
      };
      const gateway = `http://127.0.0.1:${gatewayPort}`;
      // the figure: requests evenly paced at 1,000/s (load-child.ts explains the two generators)
      const budgetCheck = await measure(gateway, "paced");
      ctx.log(`budget-check (gateway listener, paced): ${JSON.stringify(budgetCheck)}`);
      // beside it, autocannon's per-second bursts (the generator of earlier runs); through
      // Next's router they show that port's capacity, which is below 1,000 requests/s here
      const bursts = await measure(gateway, "burst");
      ctx.log(`budget-check (gateway listener, autocannon bursts): ${JSON.stringify(bursts)}`);
      const throughNext = await measure(base, "burst");
      ctx.log(
        `budget-check (through Next's router, autocannon bursts): ${JSON.stringify(throughNext)}`,
      );
      return {
        routes,
        budget_check: budgetCheck,
        budget_check_autocannon_bursts: bursts,
        budget_check_through_next_router_autocannon_bursts: throughNext,
      };
    } finally {
      if (child.pid && child.exitCode === null) process.kill(-child.pid, "SIGTERM");
    }
  },
};
