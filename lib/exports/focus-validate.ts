/**
 * Checks a FOCUS CSV column by column against focus-spec.ts (FOCUS 1.2): every mandatory
 * column present, no unknown column without the x_ prefix, types, nullability, allowed
 * values, ServiceSubcategory within its ServiceCategory, and period ordering. Pure; returns
 * the problems found (empty = valid).
 *
 * Numbers follow the 1.2 NumericFormat: an integer, a decimal, or E notation "mEn" (a
 * negative exponent carries its sign, a positive one none; no leading "+", no commas or
 * units). A Decimal column whose values are all integer-only text is reported too: the
 * FinOps Foundation validator loads such a column as an integer type and fails its
 * TypeDecimal check, so a writer must show the decimal point.
 */
import { parse } from "csv-parse/sync";

import {
  CURRENCY_COLUMNS,
  FOCUS_COLUMNS,
  FOCUS_MANDATORY,
  FOCUS_NUMBER,
  SERVICE_SUBCATEGORIES,
  type FocusColumnRule,
} from "./focus-spec";

const INTEGER_ONLY = /^-?\d+$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const CURRENCY = /^[A-Z]{3}$/;

export interface FocusProblem {
  row: number | null;
  column: string;
  message: string;
}

function checkCell(rule: FocusColumnRule, value: string): string | null {
  if (value === "") return rule.nullable ? null : "must not be null";
  if (rule.type === "decimal" && !FOCUS_NUMBER.test(value))
    return `"${value}" is not a FOCUS number (integer, decimal or E notation)`;
  if (rule.type === "datetime" && (!DATETIME.test(value) || Number.isNaN(Date.parse(value))))
    return `"${value}" is not YYYY-MM-DDTHH:mm:ssZ`;
  if (rule.type === "json") {
    try {
      const v: unknown = JSON.parse(value);
      if (typeof v !== "object" || v === null || Array.isArray(v)) return "must be a JSON object";
    } catch {
      return "must be JSON";
    }
  }
  if (CURRENCY_COLUMNS.has(rule.name) && !CURRENCY.test(value))
    return `"${value}" is not an ISO 4217 currency code`;
  if (rule.allowed && !rule.allowed.includes(value)) return `"${value}" is not an allowed value`;
  return null;
}

export function validateFocusCsv(text: string, maxProblems = 50): FocusProblem[] {
  const problems: FocusProblem[] = [];
  // a row with too many or too few cells is a problem to report, not a reason to throw
  const rows = parse(text, { bom: true, relax_column_count: true }) as string[][];
  const header = rows[0] ?? [];
  const rules = new Map(FOCUS_COLUMNS.map((r) => [r.name, r]));
  for (const m of FOCUS_MANDATORY)
    if (!header.includes(m.name))
      problems.push({ row: null, column: m.name, message: "mandatory column missing" });
  for (const h of header)
    if (!rules.has(h) && !h.startsWith("x_"))
      problems.push({
        row: null,
        column: h,
        message: "not a FOCUS 1.2 column and not prefixed x_",
      });
  if (new Set(header).size !== header.length)
    problems.push({ row: null, column: "*", message: "duplicate column names" });
  const idx = (name: string) => header.indexOf(name);
  const decimals = header
    .map((h, i) => (rules.get(h)?.type === "decimal" ? i : -1))
    .filter((i) => i >= 0);
  /** per Decimal column: whether any non-null value shows a decimal point or exponent */
  const showsDecimal = new Map(decimals.map((i) => [i, false]));
  const hasValue = new Map(decimals.map((i) => [i, false]));
  for (let r = 1; r < rows.length && problems.length < maxProblems; r++) {
    const row = rows[r]!;
    if (row.length !== header.length) {
      problems.push({
        row: r,
        column: "*",
        message: `has ${row.length} cells, header has ${header.length}`,
      });
      continue;
    }
    header.forEach((h, i) => {
      const rule = rules.get(h);
      const problem = rule ? checkCell(rule, row[i]!) : null;
      if (problem) problems.push({ row: r, column: h, message: problem });
    });
    for (const i of decimals) {
      const v = row[i]!;
      if (v === "") continue;
      hasValue.set(i, true);
      if (!INTEGER_ONLY.test(v)) showsDecimal.set(i, true);
    }
    const category = row[idx("ServiceCategory")];
    const sub = row[idx("ServiceSubcategory")];
    if (
      category &&
      sub &&
      SERVICE_SUBCATEGORIES[category] &&
      !SERVICE_SUBCATEGORIES[category]!.includes(sub)
    ) {
      problems.push({
        row: r,
        column: "ServiceSubcategory",
        message: `"${sub}" is not a subcategory of "${category}"`,
      });
    }
    for (const [start, end] of [
      ["ChargePeriodStart", "ChargePeriodEnd"],
      ["BillingPeriodStart", "BillingPeriodEnd"],
    ] as const) {
      const s = row[idx(start)];
      const e = row[idx(end)];
      if (s && e && !(Date.parse(e) > Date.parse(s)))
        problems.push({ row: r, column: end, message: `must be after ${start}` });
    }
    const cs = row[idx("ChargePeriodStart")];
    const bs = row[idx("BillingPeriodStart")];
    const be = row[idx("BillingPeriodEnd")];
    if (cs && bs && be && (Date.parse(cs) < Date.parse(bs) || Date.parse(cs) >= Date.parse(be)))
      problems.push({ row: r, column: "ChargePeriodStart", message: "outside the billing period" });
  }
  for (const i of decimals) {
    if (hasValue.get(i) && !showsDecimal.get(i) && problems.length < maxProblems) {
      problems.push({
        row: null,
        column: header[i]!,
        message:
          "a Decimal column holds only integer-only text: write decimals with a decimal point (the FOCUS validator reads this column as an integer type)",
      });
    }
  }
  return problems;
}
