/**
 * The chargeback CSV: columns, file name and the byte stream, on top of chargebackChunks.
 */
import "server-only";
import type { Db } from "../db";
import type { Period } from "../period";
import { chargebackChunks, type ChargebackRow } from "./chargeback";
import { csvStream, Decimal6, type CsvCell } from "./csv";
import { canonicalDimensions, type Dimension } from "./params";

const DIM_COLUMNS: Record<Dimension, { header: string[]; cells: (r: ChargebackRow) => CsvCell[] }> = {
  cost_center: { header: ["cost_center"], cells: (r) => [r.costCenter] },
  group: { header: ["group"], cells: (r) => [r.group] },
  member: { header: ["member_email", "member_name"], cells: (r) => [r.memberEmail, r.memberName] },
  product: { header: ["product"], cells: (r) => [r.product] },
  model: { header: ["model"], cells: (r) => [r.model] },
  provider: { header: ["provider"], cells: (r) => [r.provider] },
};

export function chargebackHeader(dims: readonly Dimension[]): string[] {
  return [
    "period_start",
    "period_end",
    ...canonicalDimensions(dims).flatMap((d) => DIM_COLUMNS[d].header),
    "billed_usd",
    "estimated_list_usd",
    "credits",
    "input_tokens",
    "cached_input_tokens",
    "output_tokens",
    "requests",
    "currency",
  ];
}

export function chargebackCells(row: ChargebackRow, period: Period, dims: readonly Dimension[]): CsvCell[] {
  return [
    period.start,
    period.end,
    ...canonicalDimensions(dims).flatMap((d) => DIM_COLUMNS[d].cells(row)),
    new Decimal6(row.costMicros),
    new Decimal6(row.estimatedCostMicros),
    new Decimal6(row.creditsMicros),
    row.inputTokens,
    row.cachedInputTokens,
    row.outputTokens,
    row.requests,
    "USD",
  ];
}

export function chargebackFileName(workspaceSlug: string, period: Period, dims: readonly Dimension[]): string {
  const by = canonicalDimensions(dims).join("-") || "total";
  return `allotment-chargeback-${workspaceSlug}-${period.start}_${period.end}-by-${by}.csv`.replace(/[^A-Za-z0-9._-]/g, "_");
}

export function chargebackCsvStream(db: Db, opts: { workspaceId: string; period: Period; dimensions: readonly Dimension[]; chunkSize?: number }): ReadableStream<Uint8Array> {
  const dims = canonicalDimensions(opts.dimensions);
  async function* cells() {
    for await (const chunk of chargebackChunks(db, opts)) yield chunk.map((r) => chargebackCells(r, opts.period, dims));
  }
  return csvStream(chargebackHeader(dims), cells());
}
