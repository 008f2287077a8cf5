/**
 * The breakdown explorer's current view as CSV: every row (not just the page), exact
 * decimals, a currency column, ISO dates. Written by the exports' CSV writer, so quoting
 * and formula neutralisation (= + - @ tab CR) are the same as in every other export.
 */
import { csvText, Decimal6 } from "../exports/csv";
import type { Breakdown } from "./breakdown-types";
import { DIMENSION_LABELS } from "./filters";

export function breakdownToCsv(b: Breakdown): string {
  const unit = b.unit === "USD" ? "USD" : "CREDITS";
  const header = [
    DIMENSION_LABELS[b.dimension],
    "key",
    "range_start",
    "range_end",
    "amount",
    "unit",
    "billed_usd",
    "estimated_usd",
    "credits",
    "previous_amount",
    "input_tokens",
    "cached_input_tokens",
    "output_tokens",
    "requests",
    "unpriced_requests",
  ];
  const line = (label: string, key: string, r: Breakdown["totals"]) => [
    label,
    key,
    b.range.start,
    b.range.end,
    new Decimal6(r.amountMicros),
    unit,
    new Decimal6(r.costMicros),
    new Decimal6(r.estimatedCostMicros),
    new Decimal6(r.creditsMicros),
    new Decimal6(r.previousAmountMicros),
    r.inputTokens,
    r.cachedInputTokens,
    r.outputTokens,
    r.requests,
    r.unpricedRequests,
  ];
  return csvText([
    header,
    ...b.rows.map((r) => line(r.label, r.key, r)),
    line("Total (each usage row once)", "", b.totals),
  ]);
}
