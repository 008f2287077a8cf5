/** Timing helpers for the benchmark: wall-clock samples and percentiles. */
import fs from "node:fs";
import os from "node:os";

export function percentile(samples: number[], p: number): number {
  if (!samples.length) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return round(sorted[rank]!);
}

export function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** Wall time and this process's CPU time (user + system) of fn: CPU time is what a busy machine can't inflate. */
export async function timed<T>(
  fn: () => Promise<T>,
): Promise<{ ms: number; cpuMs: number; value: T }> {
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const value = await fn();
  const used = process.cpuUsage(cpu);
  return {
    ms: Number(process.hrtime.bigint() - start) / 1e6,
    cpuMs: (used.user + used.system) / 1000,
    value,
  };
}

export interface Latency {
  n: number;
  p50_ms: number;
  p95_ms: number;
  max_ms: number;
}

export function latency(samples: number[]): Latency {
  return {
    n: samples.length,
    p50_ms: percentile(samples, 50),
    p95_ms: percentile(samples, 95),
    max_ms: round(Math.max(...samples)),
  };
}

/** Runs fn once per input after one warm-up pass, collecting wall times. */
export async function sample<I, T>(
  inputs: I[],
  fn: (input: I) => Promise<T>,
  warmup = true,
): Promise<{ samples: number[]; results: T[] }> {
  if (warmup) for (const i of inputs.slice(0, Math.min(3, inputs.length))) await fn(i);
  const samples: number[] = [];
  const results: T[] = [];
  for (const input of inputs) {
    const { ms, value } = await timed(() => fn(input));
    samples.push(ms);
    results.push(value);
  }
  return { samples, results };
}

/** The machine's 1-minute load average (on a shared machine it says how far wall times are from CPU times). */
export function loadAverage(): number {
  return round(os.loadavg()[0] ?? 0);
}

/**
 * CPU seconds (user + system) used so far by a PostgreSQL server the bench started
 * (scripts/pg-test-server.sh, its data under `dir`): the postmaster and its live backends,
 * read from /proc. null when there is no such server (an external DATABASE_URL_PG, no /proc).
 */
export function postgresCpuSeconds(dir: string | null): number | null {
  if (!dir) return null;
  try {
    const procs = fs
      .readdirSync("/proc")
      .filter((p) => /^\d+$/.test(p))
      .flatMap((pid) => {
        try {
          const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
          const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
          const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
          return [{ pid, ppid: f[1], cmd, ticks: Number(f[11]) + Number(f[12]) }];
        } catch {
          return []; // ended meanwhile
        }
      });
    const master = procs.find((p) => p.cmd.includes("postgres") && p.cmd.includes(dir));
    if (!master) return null;
    const ticks = procs
      .filter((p) => p.pid === master.pid || p.ppid === master.pid)
      .reduce((sum, p) => sum + p.ticks, 0);
    return ticks / 100; // USER_HZ
  } catch {
    return null;
  }
}
