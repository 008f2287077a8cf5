/**
 * Export throughput and memory, for DESIGN.md's "chargeback CSV ≥ 300,000 rows/s streamed,
 * peak memory ≤ 256 MB whatever the size":
 * - chargeback CSV for the dataset's whole range grouped by member, and by every dimension
 *   (the finest grouping); FOCUS 1.2 CSV (one line per rollup row, so there output rows =
 *   source rows). Each stream is read to the end block by block, as the route's Response
 *   body is. Every result names both rates: output_rows_per_second (CSV records) and
 *   source_rows_per_second (rollup rows read and summed — a by-member file has one record
 *   per member however many days it covers);
 * - peak RSS of EACH export measured in a CHILD process (this file, re-run with
 *   BENCH_EXPORT_CHILD set) writing to /dev/null, so the figure is the export's own and not
 *   the bench's dataset build: peak_rss_mb (the process's high-water mark, what the target
 *   limits), rss_before_export_mb (runtime, ORM and connection already loaded) and the
 *   difference, export_rss_growth_mb.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { addDays, type Period } from "../../lib/core/period";
import { chargebackCsvStream } from "../../lib/exports/chargeback-csv";
import { focusCsvStream } from "../../lib/exports/focus";
import type { ChargebackDimension } from "../../lib/exports/params";
import { createDb, prepareDb, type Db } from "../../lib/server/db";
import { round } from "../stats";
import type { BenchContext, Section } from "./index";

interface ExportJob {
  kind: "chargeback" | "focus";
  sourceRows: number;
  url: string;
  workspaceId: string;
  period: Period;
  dimensions: ChargebackDimension[];
}

function streamOf(db: Db, job: ExportJob, workspaceName: string): ReadableStream<Uint8Array> {
  return job.kind === "focus"
    ? focusCsvStream(db, {
        workspace: { id: job.workspaceId, name: workspaceName },
        period: job.period,
      })
    : chargebackCsvStream(db, {
        workspaceId: job.workspaceId,
        period: job.period,
        dimensions: job.dimensions,
      });
}

/** Reads a stream to the end like a response body, optionally writing it to a file descriptor. */
async function drain(stream: ReadableStream<Uint8Array>, fd: number | null, sourceRows: number) {
  const started = performance.now();
  const cpu = process.cpuUsage();
  let bytes = 0;
  let records = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    for (let i = value.indexOf(10); i !== -1; i = value.indexOf(10, i + 1)) records++;
    // a direct write, as a socket write is (an async fs.write would add a thread-pool hop per block)
    if (fd !== null) fs.writeSync(fd, value);
  }
  const used = process.cpuUsage(cpu);
  const seconds = (performance.now() - started) / 1000;
  const rows = records - 1; // header
  return {
    output_rows: rows,
    output_rows_per_second: Math.round(rows / seconds),
    source_rows: sourceRows,
    source_rows_per_second: Math.round(sourceRows / seconds),
    bytes,
    seconds: round(seconds, 3),
    cpu_seconds: round((used.user + used.system) / 1e6, 3),
  };
}

/**
 * This file bundled for plain `node`, as the production server runs the app: under tsx the
 * child carried tsx's loader thread and transform caches (~25 MB of its RSS, measured).
 * Packages stay in node_modules; only the app's own TypeScript is bundled.
 */
async function childScript(): Promise<string> {
  const { build } = await import("esbuild");
  // inside the project, so that node resolves the packages from its node_modules
  const out = path.resolve(
    "node_modules/.cache/allotment-bench",
    `export-child-${process.pid}.mjs`,
  );
  await build({
    entryPoints: [fileURLToPath(import.meta.url)],
    outfile: out,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    conditions: ["react-server"],
    logLevel: "error",
  });
  return out;
}

/** Runs one export in a fresh process and returns its figures and peak RSS. */
function inChild(script: string, job: ExportJob): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--conditions=react-server", script], {
      env: { ...process.env, BENCH_EXPORT_CHILD: JSON.stringify(job) },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      const line = out.trim().split("\n").pop() ?? "";
      if (code !== 0 || !line.startsWith("{"))
        reject(new Error(`export child exited ${code}: ${out.slice(-500)}`));
      else resolve(JSON.parse(line) as Record<string, unknown>);
    });
  });
}

async function childMain(job: ExportJob) {
  const db = createDb(job.url);
  await prepareDb(db);
  const ws = await db.workspace.findUniqueOrThrow({
    where: { id: job.workspaceId },
    select: { name: true },
  });
  const rssBefore = process.memoryUsage().rss;
  const fd = fs.openSync("/dev/null", "w");
  const result = await drain(streamOf(db, job, ws.name), fd, job.sourceRows);
  fs.closeSync(fd);
  const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
  const peak = Math.round(process.resourceUsage().maxRSS / 1024);
  console.log(
    JSON.stringify({
      ...result,
      peak_rss_mb: peak,
      rss_before_export_mb: mb(rssBefore),
      export_rss_growth_mb: peak - mb(rssBefore),
    }),
  );
  await db.$disconnect();
  process.exit(0);
}

export const exportsSection: Section = {
  name: "exports",
  async run(ctx: BenchContext) {
    const period: Period = {
      start: addDays(ctx.spec.endDay, -(ctx.spec.days - 1)),
      end: ctx.spec.endDay,
    };
    const ws = await ctx.db.workspace.findUniqueOrThrow({
      where: { id: ctx.workspaceId },
      select: { name: true },
    });
    const sourceRows = await ctx.db.usageDailyRollup.count({
      where: { workspaceId: ctx.workspaceId, day: { gte: period.start, lte: period.end } },
    });
    ctx.log(`exports: ${sourceRows} rollup rows in ${period.start}..${period.end}`);
    const job = (kind: ExportJob["kind"], dimensions: ChargebackDimension[] = []): ExportJob => ({
      kind,
      sourceRows,
      url: ctx.url,
      workspaceId: ctx.workspaceId,
      period,
      dimensions,
    });
    const run = async (j: ExportJob) => drain(streamOf(ctx.db, j, ws.name), null, sourceRows);
    const jobs = {
      chargeback_by_member: job("chargeback", ["member"]),
      chargeback_by_every_dimension: job("chargeback", [
        "cost_center",
        "group",
        "member",
        "product",
        "model",
        "provider",
      ]),
      focus: job("focus"),
    };

    await run(job("chargeback", ["cost_center"])); // warm-up: page cache and query plans
    const results: Record<string, unknown> = {};
    for (const [name, j] of Object.entries(jobs)) {
      results[name] = await run(j);
      ctx.log(`${name}: ${JSON.stringify(results[name])}`);
    }
    const memory: Record<string, unknown> = {};
    const script = await childScript();
    for (const [name, j] of Object.entries(jobs)) {
      const child = await inChild(script, j);
      memory[name] = {
        peak_rss_mb: child.peak_rss_mb,
        rss_before_export_mb: child.rss_before_export_mb,
        export_rss_growth_mb: child.export_rss_growth_mb,
        output_rows_per_second: child.output_rows_per_second,
        seconds: child.seconds,
      };
      ctx.log(`${name} child: ${JSON.stringify(child)}`);
    }
    fs.rmSync(script, { force: true });
    return {
      period,
      source_rollup_rows: sourceRows,
      ...results,
      // the child runs this file bundled under plain node (childScript), as production runs
      peak_rss_in_child_process: memory,
      target:
        "chargeback ≥ 300,000 rows/s streamed (FOCUS: output rows = source rows), peak RSS ≤ 256 MB",
    };
  },
};

if (process.env.BENCH_EXPORT_CHILD)
  await childMain(JSON.parse(process.env.BENCH_EXPORT_CHILD) as ExportJob);
