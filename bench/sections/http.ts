/**
 * HTTP: the production server on the bench database (bench/server.ts). Measures the JSON routes
 * behind the dashboard screens (warm, signed in as the owner) and the budget-check API at
 * 1,000 (and 5,000) requests per second, evenly paced (loadtest, in its own process: bench/load-child.ts)
 * — on the gateway listener (the port gateways are meant to call, lib/gateway/api-server.ts);
 * for comparison, autocannon's per-second bursts on that listener and through Next's router.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";

import { hashToken } from "../../lib/tokens/tokens";
import { benchServer, cookieHeader, signIn } from "../server";
import { latency, round, timed } from "../stats";
import type { BenchContext, Section } from "./index";

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
    const { base, gatewayPort } = await benchServer(ctx);
    const cookie = cookieHeader(await signIn(base, "owner@bench.example"));
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
    const measure = async (url: string, tool: "paced" | "burst", rate = 1000) => {
      const job = {
        tool,
        url,
        headers,
        paths,
        rate,
        // the smoke run checks that every generator gets answers, not a rate: 2 s is enough
        seconds: ctx.small ? 2 : 10,
        connections: 10,
      };
      const out = execFileSync(path.resolve("node_modules/.bin/tsx"), ["bench/load-child.ts"], {
        env: { ...process.env, BENCH_LOAD_JOB: JSON.stringify(job) },
        encoding: "utf8",
      });
      const r = JSON.parse(out.trim().split("\n").pop() ?? "{}") as Record<string, unknown>;
      // a run that got no answer carries an error (a smoke-run failure), not a rate of 0
      if (typeof r.achieved_rps !== "number" && r.error === undefined)
        r.error = `the load generator reported no rate: ${out.slice(-300)}`;
      return {
        url: `${url}/api/v1/budget-check`,
        target_rps: rate,
        ...r,
        ...(typeof r.achieved_rps === "number" ? { achieved_rps: round(r.achieved_rps) } : {}),
      };
    };
    const gateway = `http://127.0.0.1:${gatewayPort}`;
    // the figure: requests evenly paced at 1,000/s (load-child.ts explains the two generators)
    const budgetCheck = await measure(gateway, "paced");
    ctx.log(`budget-check (gateway listener, paced): ${JSON.stringify(budgetCheck)}`);
    // the gateway's headroom (issue 21): five times that, paced the same (not in the smoke run)
    const budgetCheck5k = ctx.small ? null : await measure(gateway, "paced", 5000);
    if (budgetCheck5k)
      ctx.log(`budget-check (gateway listener, paced 5,000/s): ${JSON.stringify(budgetCheck5k)}`);
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
      ...(budgetCheck5k ? { budget_check_5000_rps: budgetCheck5k } : {}),
      budget_check_autocannon_bursts: bursts,
      budget_check_through_next_router_autocannon_bursts: throughNext,
    };
  },
};
