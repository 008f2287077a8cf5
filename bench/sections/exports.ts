/**
 * Export throughput: the chargeback CSV (grouped by every dimension, the finest grouping)
 * and the FOCUS 1.2 CSV (one row per day × member × product × model × provider), each
 * streamed to a byte counter. Reports rows, bytes, rows/s and the process's peak RSS
 * while streaming (sampled every 20 ms), for the ≥ 300k rows/s, ≤ 256 MB targets.
 */
import { chargebackCsvStream } from "../../lib/exports/chargeback-csv";
import { focusCsvStream } from "../../lib/exports/focus";
import type { Period } from "../../lib/period";
import type { BenchContext, Section } from "./index";

async function measure(stream: ReadableStream<Uint8Array>) {
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  const started = performance.now();
  let bytes = 0;
  let lines = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    for (let i = 0; i < value.length; i++) if (value[i] === 10) lines++;
  }
  const seconds = (performance.now() - started) / 1000;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  const rows = lines - 1; // header
  return { rows, bytes, seconds: Number(seconds.toFixed(3)), rows_per_second: Math.round(rows / seconds), rss_before_mb: Math.round(baseline / 2 ** 20), rss_peak_mb: Math.round(peak / 2 ** 20) };
}

export const exportsSection: Section = {
  name: "exports",
  async run(ctx: BenchContext) {
    const end = ctx.spec.endDay;
    const period: Period = { start: new Date(Date.parse(end) - (ctx.spec.days - 1) * 86_400_000).toISOString().slice(0, 10), end };
    const sourceRows = await ctx.db.usageDailyRollup.count({ where: { workspaceId: ctx.workspaceId, day: { gte: period.start, lte: period.end } } });
    ctx.log(`exports: ${sourceRows} rollup rows in ${period.start}..${period.end}`);
    const chargeback = await measure(chargebackCsvStream(ctx.db, { workspaceId: ctx.workspaceId, period, dimensions: ["cost_center", "group", "member", "product", "model", "provider"] }));
    ctx.log(`chargeback: ${JSON.stringify(chargeback)}`);
    const byCostCenter = await measure(chargebackCsvStream(ctx.db, { workspaceId: ctx.workspaceId, period, dimensions: ["cost_center"] }));
    const ws = await ctx.db.workspace.findUniqueOrThrow({ where: { id: ctx.workspaceId }, select: { id: true, name: true } });
    const focus = await measure(focusCsvStream(ctx.db, { workspace: ws, period }));
    ctx.log(`focus: ${JSON.stringify(focus)}`);
    return {
      period,
      source_rollup_rows: sourceRows,
      chargeback_all_dimensions: { ...chargeback, source_rows_per_second: Math.round(sourceRows / chargeback.seconds) },
      chargeback_by_cost_center: { ...byCostCenter, source_rows_per_second: Math.round(sourceRows / byCostCenter.seconds) },
      focus,
    };
  },
};
