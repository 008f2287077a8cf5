/**
 * The `file` source: usage from sources with no API, as
 *  - Allotment usage CSV or JSONL (one row per day × person × product × model), columns:
 *    day (YYYY-MM-DD, UTC), provider, product, model, user_email, user_id, api_key, project,
 *    line_item, input_tokens (incl. cached), cached_input_tokens, output_tokens, requests,
 *    cost_usd (billed, decimal), estimated_cost_usd (optional: else priced by the rate card),
 *    credits (optional, native credits). Only day, provider, product and cost_usd or tokens
 *    are required; the rest default to empty / 0.
 *  - FOCUS 1.2 CSV, as Allotment's FOCUS export writes it (lib/exports/focus.ts) or any
 *    provider's: ChargePeriodStart (the day), BilledCost, ListCost (the estimate; else the
 *    bill), BillingCurrency, ProviderName (or x_Provider), x_Product (else ServiceName),
 *    x_Model (else the older ResourceName), SubAccountId as the project, ChargeDescription
 *    as the line item, x_MemberEmail (else the older x_UserEmail) as the person,
 *    x_InputTokens / x_CachedInputTokens / x_OutputTokens / x_Requests (else
 *    ConsumedQuantity with a token ConsumedUnit as input tokens), x_Credits and
 *    x_SeatEstimatedCost (a seat plan's estimate, kept apart from the bill). Numbers may
 *    be integers, decimals or E notation ("1.5E3"), as FOCUS allows; an export re-imported
 *    reproduces its rows per day × person × product × model × provider exactly.
 * The file states its days completely: re-importing a corrected file replaces those days.
 * Every row is validated; an error names the row (1-based, header = row 1) and the column.
 */
import { parse } from "csv-parse/sync";
import { z } from "zod";

import { parseDecimalScaled, parseMicros } from "../../core/money";
import { dayKeySchema } from "../../core/period";
import { FOCUS_NUMBER } from "../../exports/focus-spec";
import type { RateCard } from "../../ratecard/rate-card";
import { priceTokens } from "../pricing";
import type { SourceAdapter, SyncWindow, UsagePage, UsageRow } from "../types";

const day = dayKeySchema("expected a day YYYY-MM-DD");
const decimal = z
  .string()
  .trim()
  .regex(/^-?\d+(\.\d+)?$/, "expected a decimal number");
/** FOCUS NumericFormat: integer, decimal or E notation (lib/exports/focus-spec.ts) */
const focusNumber = z
  .string()
  .trim()
  .regex(FOCUS_NUMBER, "expected a number (integer, decimal or E notation)");
const optionalFocusNumber = z
  .union([z.string(), z.null()])
  .optional()
  .transform((v) => (v == null ? "" : v.trim()))
  .pipe(z.union([z.literal(""), focusNumber]));
const count = z
  .union([z.string(), z.number()])
  .transform((v) => String(v).trim())
  .pipe(z.string().regex(/^\d*$/, "expected a whole number"))
  .transform((v) => BigInt(v || "0"));
const text = z
  .union([z.string(), z.number(), z.null()])
  .optional()
  .transform((v) => (v == null ? "" : String(v).trim()));
const optionalDecimal = z
  .union([z.string(), z.number(), z.null()])
  .optional()
  .transform((v) => (v == null ? "" : String(v).trim()))
  .pipe(z.union([z.literal(""), decimal]));

export const allotmentRowSchema = z.object({
  day,
  provider: z.string().trim().min(1, "required"),
  product: z.string().trim().min(1, "required"),
  model: text,
  user_email: text.pipe(z.union([z.literal(""), z.email("expected an email")])),
  user_id: text,
  api_key: text,
  project: text,
  line_item: text,
  input_tokens: count.optional().default(0n),
  cached_input_tokens: count.optional().default(0n),
  output_tokens: count.optional().default(0n),
  requests: count.optional().default(0n),
  cost_usd: optionalDecimal,
  estimated_cost_usd: optionalDecimal,
  credits: optionalDecimal,
});

const email = text.pipe(z.union([z.literal(""), z.email("expected an email")]));

export const focusRowSchema = z.object({
  ChargePeriodStart: z.string().regex(/^\d{4}-\d{2}-\d{2}/, "expected an ISO date-time"),
  BilledCost: focusNumber,
  ListCost: optionalFocusNumber,
  BillingCurrency: z.string().refine((c) => c.toUpperCase() === "USD", "only USD is supported"),
  ProviderName: z.string().min(1, "required"),
  ServiceName: text,
  ResourceName: text,
  SubAccountId: text,
  ChargeDescription: text,
  ConsumedQuantity: optionalFocusNumber,
  ConsumedUnit: text,
  x_Provider: text,
  x_Product: text,
  x_Model: text,
  x_MemberEmail: email,
  /** the name the import read before the export wrote x_MemberEmail */
  x_UserEmail: email,
  x_InputTokens: optionalFocusNumber,
  x_CachedInputTokens: optionalFocusNumber,
  x_OutputTokens: optionalFocusNumber,
  x_Requests: optionalFocusNumber,
  x_Credits: optionalFocusNumber,
  x_SeatEstimatedCost: optionalFocusNumber,
});

/** A FOCUS quantity as a whole count: exact, E notation expanded, a fraction rounded half-even. */
function focusCount(v: string): bigint {
  return v ? parseDecimalScaled(v, 0) : 0n;
}

export class FileFormatError extends Error {
  override name = "FileFormatError";
}

function rowError(file: string, row: number, issue: z.core.$ZodIssue): FileFormatError {
  const column = issue.path.map(String).join(".") || "(row)";
  return new FileFormatError(`${file}: row ${row}, column ${column}: ${issue.message}`);
}

type Format = "allotment-csv" | "allotment-jsonl" | "focus-csv";

export function detectFormat(name: string, text: string): Format {
  if (/\.jsonl?$/i.test(name) || text.trimStart().startsWith("{")) return "allotment-jsonl";
  const header = text.slice(0, text.indexOf("\n") >>> 0 || text.length);
  return /\bChargePeriodStart\b/.test(header) && /\bBilledCost\b/.test(header)
    ? "focus-csv"
    : "allotment-csv";
}

/** Parses a whole file into usage rows (throws FileFormatError naming row and column). */
export function parseUsageFile(name: string, text: string, rateCard: RateCard): UsageRow[] {
  const format = detectFormat(name, text);
  const records: { row: number; value: unknown }[] = [];
  if (format === "allotment-jsonl") {
    text.split(/\r?\n/).forEach((line, i) => {
      if (!line.trim()) return;
      try {
        records.push({ row: i + 1, value: JSON.parse(line) });
      } catch {
        throw new FileFormatError(`${name}: line ${i + 1}: not valid JSON`);
      }
    });
  } else {
    let parsed: Record<string, string>[];
    try {
      parsed = parse(text, {
        columns: true,
        skip_empty_lines: true,
        trim: true,
        bom: true,
      }) as Record<string, string>[];
    } catch (error) {
      throw new FileFormatError(
        `${name}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    parsed.forEach((value, i) => records.push({ row: i + 2, value }));
  }

  return records.map(({ row, value }) => {
    if (format === "focus-csv") {
      const r = focusRowSchema.safeParse(value);
      if (!r.success) throw rowError(name, row, r.error.issues[0]!);
      const f = r.data;
      const own = f.x_InputTokens !== "" || f.x_OutputTokens !== "";
      const input = own
        ? focusCount(f.x_InputTokens)
        : /token/i.test(f.ConsumedUnit)
          ? focusCount(f.ConsumedQuantity)
          : 0n;
      const cached = focusCount(f.x_CachedInputTokens);
      if (cached > input)
        throw new FileFormatError(
          `${name}: row ${row}, column x_CachedInputTokens: larger than x_InputTokens (input includes cached)`,
        );
      const cost = parseMicros(f.BilledCost);
      const provider = f.x_Provider || f.ProviderName.toLowerCase();
      const email = f.x_MemberEmail || f.x_UserEmail;
      return {
        day: f.ChargePeriodStart.slice(0, 10),
        provider,
        identity: email
          ? { provider, kind: "email" as const, externalId: email.toLowerCase(), email }
          : null,
        product: f.x_Product || f.ServiceName || "api",
        model: f.x_Model || f.ResourceName,
        project: f.SubAccountId,
        apiKey: "",
        lineItem: f.ChargeDescription,
        inputTokens: input,
        cachedInputTokens: cached,
        outputTokens: focusCount(f.x_OutputTokens),
        requests: focusCount(f.x_Requests),
        estimatedCostMicros: f.ListCost ? parseMicros(f.ListCost) : cost,
        costMicros: cost,
        creditsMicros: f.x_Credits ? parseMicros(f.x_Credits) : null,
        unpriced: false,
        ...(f.x_SeatEstimatedCost
          ? { seatEstimateMicros: parseMicros(f.x_SeatEstimatedCost) }
          : {}),
      };
    }
    const r = allotmentRowSchema.safeParse(value);
    if (!r.success) throw rowError(name, row, r.error.issues[0]!);
    const a = r.data;
    if (a.cached_input_tokens > a.input_tokens) {
      throw new FileFormatError(
        `${name}: row ${row}, column cached_input_tokens: larger than input_tokens (input includes cached)`,
      );
    }
    const price = rateCard.priceFor(a.provider, a.model, a.day);
    const estimated = a.estimated_cost_usd
      ? parseMicros(a.estimated_cost_usd)
      : price
        ? priceTokens(price, {
            uncachedInput: a.input_tokens - a.cached_input_tokens,
            cachedInput: a.cached_input_tokens,
            output: a.output_tokens,
          })
        : null;
    const billed = a.cost_usd ? parseMicros(a.cost_usd) : (estimated ?? 0n);
    const identity = a.user_email
      ? {
          provider: a.provider,
          kind: "email" as const,
          externalId: a.user_email.toLowerCase(),
          email: a.user_email,
        }
      : a.user_id
        ? { provider: a.provider, kind: "user_id" as const, externalId: a.user_id }
        : a.api_key
          ? { provider: a.provider, kind: "api_key_id" as const, externalId: a.api_key }
          : null;
    return {
      day: a.day,
      provider: a.provider,
      identity,
      product: a.product,
      model: a.model,
      project: a.project,
      apiKey: a.api_key,
      lineItem: a.line_item,
      inputTokens: a.input_tokens,
      cachedInputTokens: a.cached_input_tokens,
      outputTokens: a.output_tokens,
      requests: a.requests,
      estimatedCostMicros: estimated ?? 0n,
      costMicros: billed,
      creditsMicros: a.credits ? parseMicros(a.credits) : null,
      unpriced: estimated === null && !a.cost_usd,
    };
  });
}

export function fileAdapter(opts: {
  name: string;
  text: string;
  rateCard: RateCard;
}): SourceAdapter {
  return {
    kind: "file",
    async testConnection() {
      const rows = parseUsageFile(opts.name, opts.text, opts.rateCard);
      return { ok: true, detail: `${rows.length} valid row(s) in ${opts.name}` };
    },
    async *pages(window: SyncWindow): AsyncIterable<UsagePage> {
      const rows = parseUsageFile(opts.name, opts.text, opts.rateCard).filter(
        (r) => r.day >= window.start && r.day <= window.end,
      );
      const days = [...new Set(rows.map((r) => r.day))].sort();
      yield {
        completeDays: days,
        rows,
        nextCursor: null,
        label: `${opts.name}: ${rows.length} row(s) over ${days.length} day(s)`,
      };
    },
  };
}
