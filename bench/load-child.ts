/**
 * The budget-check load generator, run as its own process by the http section: autocannon
 * in the bench process would share a heap of millions of objects left by the dataset build,
 * and its garbage-collection pauses would show up as server latency.
 * Input: BENCH_LOAD_JOB (JSON); output: one JSON line with autocannon's figures.
 */
import autocannon from "autocannon";

interface LoadJob {
  url: string;
  headers: Record<string, string>;
  requests: { method: "GET"; path: string }[];
  rate: number;
  seconds: number;
  connections: number;
}

const job = JSON.parse(process.env.BENCH_LOAD_JOB ?? "{}") as LoadJob;
const { url, headers, requests } = job;
// warm: a gateway's server is never cold; 5 s at the target rate fills the JIT and the caches
await autocannon({ url, connections: job.connections, overallRate: job.rate, duration: 5, headers, requests });
const r = await autocannon({ url, connections: job.connections, overallRate: job.rate, duration: job.seconds, headers, requests });
console.log(
  JSON.stringify({
    connections: job.connections,
    achieved_rps: r.requests.average,
    requests: r.requests.total,
    non_2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    latency_p50_ms: r.latency.p50,
    latency_p99_ms: r.latency.p99,
    latency_max_ms: r.latency.max,
  }),
);
