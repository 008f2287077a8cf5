/**
 * The CSV of GitHub's usage-report export (§2.3, GH-RPT), read at the boundary with zod.
 * Documented columns: date (UTC), product, sku, quantity, unit_type,
 * applied_cost_per_quantity, gross_amount, discount_amount, net_amount, username (detailed
 * reports), organization, repository, workflow_path (detailed), cost_center_name. Whether the
 * `ai_credit` report also has `model` is unconfirmed: it is used when present, else every row
 * gets REPORT_PLACEHOLDER_MODEL. Amounts are dollars as decimal text, read exactly (never as
 * floats) in pico-dollars and summed there; each person/day/model total is rounded once,
 * half-even, to micro-dollars. Any row that breaks the shape fails the whole file naming the
 * row (1-based, header = row 1) and the column.
 */
import { parse } from "csv-parse/sync";
import { z } from "zod";

import { divRoundHalfEven, parseDecimalScaled } from "../../core/money";
import { dayKeySchema } from "../../core/period";

/** The model of rows from a report without a `model` column (stated in docs/vendor-github.md). */
export const REPORT_PLACEHOLDER_MODEL = "Copilot AI credits (model not reported)";

/** Columns a usable report must have; the other documented ones are optional. */
export const REQUIRED_REPORT_COLUMNS = ["date", "username", "gross_amount", "net_amount"] as const;

const PICO_PER_MICRO = 1_000_000n;

/** Dollars as text: "0.0123", "12", "1.5E-3"; a leading "$" is allowed (the older CSVs had one). */
const dollars = z
  .string()
  .trim()
  .transform((v) => v.replace(/^\$/, ""))
  .pipe(z.string().regex(/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/, "expected a dollar amount"))
  .transform((v, ctx) => {
    try {
      return parseDecimalScaled(v, 12);
    } catch (error) {
      // too many digits or an exponent out of range: named like any other bad cell
      ctx.addIssue({ code: "custom", message: (error as Error).message });
      return z.NEVER;
    }
  });
const optionalDollars = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? null : v))
  .pipe(z.union([z.null(), dollars]));
const quantity = z
  .string()
  .optional()
  .transform((v) => (v ?? "").trim())
  .pipe(
    z.union([
      z.literal(""),
      z.string().regex(/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/, "expected a number"),
    ]),
  );
const text = z
  .string()
  .optional()
  .transform((v) => (v ?? "").trim());
/** "2026-11-01", or a date-time whose day is meant (UTC) */
const date = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}([T ].*)?$/, "expected a date YYYY-MM-DD")
  .transform((v) => v.slice(0, 10))
  .pipe(dayKeySchema("expected a date YYYY-MM-DD"));

export const usageReportRowSchema = z.object({
  date,
  product: text,
  sku: text,
  model: text,
  quantity,
  unit_type: text,
  applied_cost_per_quantity: quantity,
  gross_amount: dollars,
  discount_amount: optionalDollars,
  net_amount: dollars,
  username: text,
  organization: text,
  repository: text,
  workflow_path: text,
  cost_center_name: text,
});

export class UsageReportCsvError extends Error {
  override name = "UsageReportCsvError";
}

/** One person's (or, without a username, nobody's) usage of one model on one day, summed. */
export interface ReportUsage {
  day: string;
  /** GitHub login; "" = a row without a username (not attributable to a person) */
  login: string;
  model: string;
  grossMicros: bigint;
  discountMicros: bigint;
  netMicros: bigint;
}

interface PicoSums {
  gross: bigint;
  discount: bigint;
  net: bigint;
}

/** Sums pico-dollar rows per day, login and model (across files and reports). */
export class ReportUsageSums {
  private readonly sums = new Map<string, PicoSums>();
  /** files read without a `model` column (their rows carry REPORT_PLACEHOLDER_MODEL) */
  filesWithoutModel = 0;

  add(file: string, text: string, keep: (day: string) => boolean): number {
    let records: string[][];
    try {
      records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true });
    } catch (error) {
      const line = (error as { lines?: number }).lines;
      throw new UsageReportCsvError(
        `${file}: ${line ? `row ${line}: ` : ""}not a readable CSV (${error instanceof Error ? error.message : String(error)})`,
      );
    }
    if (records.length === 0) return 0;
    const header = records[0]!.map((h) => h.trim().toLowerCase());
    for (const c of REQUIRED_REPORT_COLUMNS)
      if (!header.includes(c))
        throw new UsageReportCsvError(`${file}: row 1, column ${c}: missing from the header`);
    const hasModel = header.includes("model");
    if (!hasModel) this.filesWithoutModel++;
    let kept = 0;
    for (let i = 1; i < records.length; i++) {
      const cells = records[i]!;
      const row = i + 1;
      if (cells.length !== header.length)
        throw new UsageReportCsvError(
          `${file}: row ${row}: ${cells.length} cells where the header has ${header.length}`,
        );
      const raw = Object.fromEntries(header.map((h, j) => [h, cells[j]!]));
      const parsed = usageReportRowSchema.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw new UsageReportCsvError(
          `${file}: row ${row}, column ${issue.path.map(String).join(".") || "?"}: ${issue.message}`,
        );
      }
      const r = parsed.data;
      if (!keep(r.date)) continue;
      const model = hasModel ? r.model : REPORT_PLACEHOLDER_MODEL;
      const key = `${r.date}\u0000${r.username}\u0000${model}`;
      const s = this.sums.get(key) ?? { gross: 0n, discount: 0n, net: 0n };
      s.gross += r.gross_amount;
      s.net += r.net_amount;
      // without a discount column the pool's share is what the bill left out
      s.discount += r.discount_amount ?? r.gross_amount - r.net_amount;
      this.sums.set(key, s);
      kept++;
    }
    return kept;
  }

  /** Every total, rounded once to micro-dollars (half-even). */
  totals(): ReportUsage[] {
    return [...this.sums.entries()].map(([key, s]) => {
      const [day, login, model] = key.split("\u0000") as [string, string, string];
      return {
        day,
        login,
        model,
        grossMicros: divRoundHalfEven(s.gross, PICO_PER_MICRO),
        discountMicros: divRoundHalfEven(s.discount, PICO_PER_MICRO),
        netMicros: divRoundHalfEven(s.net, PICO_PER_MICRO),
      };
    });
  }
}
