/**
 * Export throughput and memory, for DESIGN.md's "chargeback CSV ≥ 300,000 rows/s streamed,
 * peak memory ≤ 256 MB whatever the size":
 * - chargeback CSV for the dataset's whole range grouped by member, and by every dimension
 *   (the finest grouping); FOCUS 1.2 CSV (one line per rollup row). Each stream is read to
 *   the end chunk by chunk, as the route's Response body is. Rows are CSV records; the
 *   chargeback also reports the rollup rows it summed per second (its real volume: a
 *   by-member file has one record per member however many days it covers);
 * - peak RSS of one export measured in a CHILD process (this file, re-run with
 *   BENCH_EXPORT_CHILD set) writing to /dev/null, so the figure is the export's own and not
 *   the bench's dataset build; the child also reports its RSS before the export started.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createDb, prepareDb, type Db } from "../../lib/db";
import { chargebackCsvStream } from "../../lib/exports/chargeback-csv";
import { focusCsvStream } from "../../lib/exports/focus";
import type { Dimension } from "../../lib/exports/params";
import { addDays, type Period } from "../../lib/period";
import { round } from "../stats";
import type { BenchContext, Section } from "./index";

interface ExportJob {
  kind: "chargeback" | "focus";
  url: string;
  workspaceId: string;
  period: Period;
  dimensions: Dimension[];
}

function streamOf(db: Db, job: ExportJob, workspaceName: string): ReadableStream<Uint8Array> {
  return job.kind === "focus"
    ? focusCsvStream(db, { workspace: { id: job.workspaceId, name: workspaceName }, period: job.period })
    : chargebackCsvStream(db, { workspaceId: job.workspaceId, period: job.period, dimensions: job.dimensions });
}

/** Reads a stream to the end like a response body, optionally writing it to a file descriptor. */
async function drain(stream: ReadableStream<Uint8Array>, fd: number | null) {
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
    if (fd !== null) await new Promise<void>((resolve, reject) => fs.write(fd, value, (e) => (e ? reject(e) : resolve())));
  }
  const used = process.cpuUsage(cpu);
  const seconds = (performance.now() - started) / 1000;
  const rows = records - 1; // header
  return { rows, bytes, seconds: round(seconds, 3), rows_per_second: Math.round(rows / seconds), cpu_seconds: round((used.user + used.system) / 1e6, 3) };
}

/** Runs one export in a fresh process and returns its figures and peak RSS. */
function inChild(job: ExportJob): Promise<Record<string, unknown>> {
  const tsx = path.resolve("node_modules/.bin/tsx");
  const self = fileURLToPath(import.meta.url);
  return new Promise((resolve, reject) => {
    const child = spawn(tsx, ["--conditions=react-server", self], { env: { ...process.env, BENCH_EXPORT_CHILD: JSON.stringify(job) }, stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      const line = out.trim().split("\n").pop() ?? "";
      if (code !== 0 || !line.startsWith("{")) reject(new Error(`export child exited ${code}: ${out.slice(-500)}`));
      else resolve(JSON.parse(line) as Record<string, unknown>);
    });
  });
}

async function childMain(job: ExportJob) {
  const db = createDb(job.url);
  await prepareDb(db, job.url);
  const ws = await db.workspace.findUniqueOrThrow({ where: { id: job.workspaceId }, select: { name: true } });
  const rssBefore = process.memoryUsage().rss;
  const fd = fs.openSync("/dev/null", "w");
  const result = await drain(streamOf(db, job, ws.name), fd);
  fs.closeSync(fd);
  const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
  console.log(JSON.stringify({ ...result, rss_before_export_mb: mb(rssBefore), peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024) }));
  await db.$disconnect();
  process.exit(0);
}

export const exportsSection: Section = {
  name: "exports",
  async run(ctx: BenchContext) {
    const period: Period = { start: addDays(ctx.spec.endDay, -(ctx.spec.days - 1)), end: ctx.spec.endDay };
    const ws = await ctx.db.workspace.findUniqueOrThrow({ where: { id: ctx.workspaceId }, select: { name: true } });
    const sourceRows = await ctx.db.usageDailyRollup.count({ where: { workspaceId: ctx.workspaceId, day: { gte: period.start, lte: period.end } } });
    ctx.log(`exports: ${sourceRows} rollup rows in ${period.start}..${period.end}`);
    const job = (kind: ExportJob["kind"], dimensions: Dimension[] = []): ExportJob => ({ kind, url: ctx.url, workspaceId: ctx.workspaceId, period, dimensions });
    const run = async (j: ExportJob) => drain(streamOf(ctx.db, j, ws.name), null);

    await run(job("chargeback", ["cost_center"])); // warm-up: page cache and query plans
    const byMember = await run(job("chargeback", ["member"]));
    ctx.log(`chargeback by member: ${JSON.stringify(byMember)}`);
    const allDims = await run(job("chargeback", ["cost_center", "group", "member", "product", "model", "provider"]));
    ctx.log(`chargeback by every dimension: ${JSON.stringify(allDims)}`);
    const focus = await run(job("focus"));
    ctx.log(`focus: ${JSON.stringify(focus)}`);
    const chargebackChild = await inChild(job("chargeback", ["member"]));
    ctx.log(`chargeback child: ${JSON.stringify(chargebackChild)}`);
    const focusChild = await inChild(job("focus"));
    ctx.log(`focus child: ${JSON.stringify(focusChild)}`);
    const source = (r: { seconds: number }) => Math.round(sourceRows / r.seconds);
    return {
      period,
      source_rollup_rows: sourceRows,
      chargeback_by_member: { ...byMember, source_rows_per_second: source(byMember) },
      chargeback_by_every_dimension: { ...allDims, source_rows_per_second: source(allDims) },
      focus,
      peak_rss_in_child_process: { chargeback_by_member: chargebackChild, focus: focusChild },
      target: "chargeback ≥ 300,000 rows/s streamed, peak RSS ≤ 256 MB",
    };
  },
};

if (process.env.BENCH_EXPORT_CHILD) await childMain(JSON.parse(process.env.BENCH_EXPORT_CHILD) as ExportJob);
