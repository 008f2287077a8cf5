/**
 * The budget-check load generator, run as its own process by the http section: in the
 * bench process, the dataset build's heap would add garbage-collection pauses to every
 * figure. Input: BENCH_LOAD_JOB (JSON); output: one JSON line with the figures.
 *
 * Two generators from npm, because they load the server differently:
 * - `paced` — loadtest's requestsPerSecond: one request every 1/rate s on a high-resolution
 *   timer, open loop (a slow answer does not delay the next request), over a pool of up to
 *   64 keep-alive connections. This is "1,000 requests per second": the figure.
 *   Every request's own elapsed time (from the moment it was due, queueing in the client
 *   included) is collected through statusCallback and the percentiles are computed here,
 *   exactly, rather than from loadtest's whole-millisecond histogram.
 * - `burst` — autocannon's overallRate, kept for comparison with earlier runs. autocannon
 *   spreads the rate over its connections and lets each send its share of a second
 *   back-to-back, then waits for the next 1-second tick (lib/httpClient.js,
 *   reqsMadeThisSecond): the server sees bursts at full speed with up to `connections`
 *   requests in flight, and a paused second shows up as latency.
 */
import http from "node:http";

import autocannon from "autocannon";
import { loadTest as untypedLoadTest } from "loadtest";

import { percentile, round } from "./stats";

// loadtest 8 returns a promise when called without a callback; its bundled types predate that
interface PacedOptions {
  url: string;
  indexParam: string;
  indexParamCallback: () => string;
  requestsPerSecond: number;
  maxSeconds: number;
  requestGenerator: (
    options: unknown,
    params: http.RequestOptions,
    request: typeof http.request,
    onResponse: (res: http.IncomingMessage) => void,
  ) => http.ClientRequest;
  headers: Record<string, string>;
  quiet: boolean;
  statusCallback: (
    error: unknown,
    result?: { requestElapsed?: number; statusCode?: number },
  ) => void;
}
const loadTest = untypedLoadTest as unknown as (
  options: PacedOptions,
) => Promise<{ totalErrors: number }>;

interface LoadJob {
  tool: "paced" | "burst";
  /** base URL, without a path */
  url: string;
  headers: Record<string, string>;
  /** request paths (path + query), used in turn */
  paths: string[];
  rate: number;
  seconds: number;
  /** autocannon only: keep-alive connections */
  connections: number;
}

const job = JSON.parse(process.env.BENCH_LOAD_JOB ?? "{}") as LoadJob;
const WARM_SECONDS = 5; // a gateway's server is never cold: fill the JIT and the caches at the target rate

async function paced(seconds: number) {
  // loadtest takes one URL; the path is swapped per request through its index parameter
  const slot = "BENCH_PATH_SLOT";
  let next = 0;
  const elapsed: number[] = [];
  let failed = 0;
  // Each run has its own keep-alive pool, and what it still has queued or in flight when its
  // window ends is dropped: open loop, a server slower than the rate leaves a queue behind.
  // With one pool for the warm-up and the measured run, a server at 250 requests/s still had
  // ~3,750 warm-up requests queued when the measured run began, so none of its requests was
  // answered inside its 5 s window (loadtest ignores answers after its stop) and the smoke
  // run printed "achieved_rps 0, requests 0" (reproduced with a 4 ms-per-request server).
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const open = new Set<http.ClientRequest>();
  let sent = 0;
  const started = performance.now();
  const result = await loadTest({
    url: `${job.url}/${slot}`,
    indexParam: slot,
    indexParamCallback: () => job.paths[next++ % job.paths.length]!.slice(1),
    requestsPerSecond: job.rate,
    maxSeconds: seconds,
    // our keep-alive pool, like a gateway's: loadtest's own (agentkeepalive 2) opens a new
    // connection per request on Node 20, and the churn of ports in TIME_WAIT stalls connects
    requestGenerator: (_options, params, request, onResponse) => {
      sent++;
      const req = request({ ...params, agent }, (res) => {
        res.on("close", () => open.delete(req));
        onResponse(res);
      });
      open.add(req);
      req.on("error", () => open.delete(req));
      return req;
    },
    headers: job.headers,
    quiet: true,
    statusCallback: (error, r) => {
      if (error || !r || r.statusCode !== 200) failed++;
      if (r?.requestElapsed !== undefined) elapsed.push(r.requestElapsed);
    },
  });
  const wall = (performance.now() - started) / 1000;
  const unanswered = open.size;
  for (const req of open) req.destroy();
  agent.destroy();
  const counts = { sent, requests: elapsed.length, failed, unanswered_at_end: unanswered };
  if (elapsed.length === 0)
    return {
      tool: "loadtest (paced, open loop)",
      ...counts,
      error:
        sent === 0
          ? `no request sent in the ${seconds} s window: the load generator did not run`
          : `no request answered in the ${seconds} s window (${sent} sent, ${failed} failed, ${unanswered} still waiting): the server stalled or fell far behind`,
    };
  return {
    tool: "loadtest (paced, open loop)",
    achieved_rps: round(elapsed.length / wall),
    ...counts,
    errors: result.totalErrors,
    latency_p50_ms: percentile(elapsed, 50),
    latency_p90_ms: percentile(elapsed, 90),
    latency_p99_ms: percentile(elapsed, 99),
    latency_max_ms: round(Math.max(...elapsed)),
    // loadtest times a request in whole milliseconds, rounded down: "p99 5" means under 6 ms
    latency_resolution: "whole ms, rounded down",
  };
}

async function burst(seconds: number) {
  const requests = job.paths.map((path) => ({ method: "GET" as const, path }));
  const r = await autocannon({
    url: job.url,
    connections: job.connections,
    overallRate: job.rate,
    duration: seconds,
    headers: job.headers,
    requests,
  });
  return {
    tool: "autocannon (per-second bursts)",
    connections: job.connections,
    achieved_rps: r.requests.average,
    requests: r.requests.total,
    non_2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    latency_p50_ms: r.latency.p50,
    latency_p99_ms: r.latency.p99,
    latency_max_ms: r.latency.max,
  };
}

const run = job.tool === "paced" ? paced : burst;
await run(WARM_SECONDS);
// the generator's own CPU over the measured run: on 2 cores it competes with the server
const cpuBefore = process.cpuUsage();
const figures = await run(job.seconds);
const cpu = process.cpuUsage(cpuBefore);
console.log(
  JSON.stringify({ ...figures, generator_cpu_seconds: round((cpu.user + cpu.system) / 1e6) }),
);
process.exit(0); // keep-alive sockets would hold the process open
