/**
 * The chargeback CSV: columns, file name and the byte stream, on top of chargebackChunks.
 */
import "server-only";

import type { Period } from "../core/period";
import type { Db } from "../server/db";
import { chargebackTextChunks, type ChargebackRow, type ChargebackTextRow } from "./chargeback";
import {
  BlockWriter,
  csvByteStream,
  Decimal6,
  intField,
  microsField,
  textField,
  type CsvCell,
} from "./csv";
import { canonicalDimensions, type ChargebackDimension } from "./params";

const DIM_COLUMNS: Record<
  ChargebackDimension,
  { header: string[]; cells: (r: ChargebackRow) => CsvCell[] }
> = {
  cost_center: { header: ["cost_center"], cells: (r) => [r.costCenter] },
  group: { header: ["group"], cells: (r) => [r.group] },
  member: {
    header: ["member_email", "member_name"],
    cells: (r) => [r.memberEmail, r.memberName],
  },
  product: { header: ["product"], cells: (r) => [r.product] },
  model: { header: ["model"], cells: (r) => [r.model] },
  provider: { header: ["provider"], cells: (r) => [r.provider] },
};

export function chargebackHeader(dims: readonly ChargebackDimension[]): string[] {
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
    "seat_estimated_usd",
    "currency",
  ];
}

export function chargebackCells(
  row: ChargebackRow,
  period: Period,
  dims: readonly ChargebackDimension[],
): CsvCell[] {
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
    new Decimal6(row.seatEstimateMicros),
    "USD",
  ];
}

export function chargebackFileName(
  workspaceSlug: string,
  period: Period,
  dims: readonly ChargebackDimension[],
): string {
  const by = canonicalDimensions(dims).join("-") || "total";
  return `allotment-chargeback-${workspaceSlug}-${period.start}_${period.end}-by-${by}.csv`.replace(
    /[^A-Za-z0-9._-]/g,
    "_",
  );
}

/** Encoded text fields, memoised: the same cost centers, groups and models repeat on every row. */
function fieldCache(): (text: string) => string {
  const cache = new Map<string, string>();
  return (text) => {
    let f = cache.get(text);
    if (f === undefined) {
      if (cache.size > 100_000) cache.clear(); // bounded whatever the export size
      f = textField(text);
      cache.set(text, f);
    }
    return f;
  };
}

const TEXT_OF: Record<
  ChargebackDimension,
  (r: ChargebackTextRow, f: (t: string) => string) => string
> = {
  cost_center: (r, f) => f(r.costCenter),
  group: (r, f) => f(r.group),
  member: (r) => `${textField(r.memberEmail)},${textField(r.memberName)}`,
  product: (r, f) => f(r.product),
  model: (r, f) => f(r.model),
  provider: (r, f) => f(r.provider),
};

/**
 * The CSV byte stream, formatted straight from the reads' text rows (same cells as
 * chargebackCells, which the preview and tests use, without building a cell array per row).
 */
export function chargebackCsvStream(
  db: Db,
  opts: {
    workspaceId: string;
    period: Period;
    dimensions: readonly ChargebackDimension[];
    chunkSize?: number;
  },
): ReadableStream<Uint8Array> {
  const dims = canonicalDimensions(opts.dimensions);
  const f = fieldCache();
  const prefix = `${textField(opts.period.start)},${textField(opts.period.end)},`;
  const parts = dims.map((d) => TEXT_OF[d]);
  async function* blocks() {
    const out = new BlockWriter();
    for await (const chunk of chargebackTextChunks(db, opts)) {
      for (const r of chunk) {
        let line = prefix;
        for (const part of parts) line += part(r, f) + ",";
        const s = r.sums;
        line += `${microsField(s[0]!)},${microsField(s[1]!)},${microsField(s[2]!)},${intField(s[3]!)},${intField(s[4]!)},${intField(s[5]!)},${intField(s[6]!)},${microsField(s[7]!)},USD\r\n`;
        const full = out.write(line);
        if (full) yield full;
      }
    }
    const rest = out.flush();
    if (rest) yield rest;
  }
  return csvByteStream(chargebackHeader(dims), blocks());
}
