/**
 * The breakdown explorer's current view as CSV: every row (not just the page), exact
 * decimals, a currency column, ISO dates, and cells that a spreadsheet would run as a
 * formula (= + - @ tab CR) neutralised with a leading apostrophe.
 */
import { stringify } from "csv-stringify/sync";
import { microsToDecimal } from "../money";
import type { Breakdown } from "./breakdown";
import { DIMENSION_LABELS } from "./filters";

export function neutraliseCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

export function breakdownToCsv(b: Breakdown): string {
  const unit = b.unit === "USD" ? "USD" : "CREDITS";
  const header = [DIMENSION_LABELS[b.dimension], "key", "range_start", "range_end", "amount", "unit", "billed_usd", "estimated_usd", "credits", "previous_amount", "input_tokens", "cached_input_tokens", "output_tokens", "requests", "unpriced_requests"];
  const rows = b.rows.map((r) => [
    r.label,
    r.key,
    b.range.start,
    b.range.end,
    microsToDecimal(r.amountMicros),
    unit,
    microsToDecimal(r.costMicros),
    microsToDecimal(r.estimatedCostMicros),
    microsToDecimal(r.creditsMicros),
    microsToDecimal(r.previousAmountMicros),
    r.inputTokens.toString(),
    r.cachedInputTokens.toString(),
    r.outputTokens.toString(),
    r.requests.toString(),
    r.unpricedRequests.toString(),
  ]);
  const t = b.totals;
  const total = ["Total (each usage row once)", "", b.range.start, b.range.end, microsToDecimal(t.amountMicros), unit, microsToDecimal(t.costMicros), microsToDecimal(t.estimatedCostMicros), microsToDecimal(t.creditsMicros), microsToDecimal(t.previousAmountMicros), t.inputTokens.toString(), t.cachedInputTokens.toString(), t.outputTokens.toString(), t.requests.toString(), t.unpricedRequests.toString()];
  return stringify([header, ...rows, total].map((row) => row.map(neutraliseCell)), { quoted_match: /[",\r\n]/ });
}
