/**
 * Checks a FOCUS CSV column by column against focus-spec.ts: every mandatory column
 * present, no unknown non-x_ columns, types (decimal, YYYY-MM-DDTHH:mm:ssZ date-times,
 * JSON objects), nullability, allowed values, and period ordering. Pure; returns the
 * problems found (empty = valid).
 */
import { parse } from "csv-parse/sync";
import { FOCUS_MANDATORY, FOCUS_OPTIONAL, type FocusColumnRule } from "./focus-spec";

const DECIMAL = /^-?\d+(\.\d+)?$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

export interface FocusProblem {
  row: number | null;
  column: string;
  message: string;
}

function checkCell(rule: FocusColumnRule, value: string): string | null {
  if (value === "") return rule.nullable ? null : "must not be null";
  if (rule.type === "decimal" && !DECIMAL.test(value)) return `"${value}" is not a plain decimal`;
  if (rule.type === "datetime" && (!DATETIME.test(value) || Number.isNaN(Date.parse(value)))) return `"${value}" is not YYYY-MM-DDTHH:mm:ssZ`;
  if (rule.type === "json") {
    try {
      const v: unknown = JSON.parse(value);
      if (typeof v !== "object" || v === null || Array.isArray(v)) return "must be a JSON object";
    } catch {
      return "must be JSON";
    }
  }
  if (rule.allowed && !rule.allowed.includes(value)) return `"${value}" is not an allowed value`;
  return null;
}

export function validateFocusCsv(text: string, maxProblems = 50): FocusProblem[] {
  const problems: FocusProblem[] = [];
  const rows = parse(text, { bom: true }) as string[][];
  const header = rows[0] ?? [];
  const rules = new Map([...FOCUS_MANDATORY, ...FOCUS_OPTIONAL].map((r) => [r.name, r]));
  for (const m of FOCUS_MANDATORY) if (!header.includes(m.name)) problems.push({ row: null, column: m.name, message: "mandatory column missing" });
  for (const h of header) if (!rules.has(h) && !h.startsWith("x_")) problems.push({ row: null, column: h, message: "not a FOCUS column and not prefixed x_" });
  if (new Set(header).size !== header.length) problems.push({ row: null, column: "*", message: "duplicate column names" });
  const idx = (name: string) => header.indexOf(name);
  for (let r = 1; r < rows.length && problems.length < maxProblems; r++) {
    const row = rows[r]!;
    if (row.length !== header.length) {
      problems.push({ row: r, column: "*", message: `has ${row.length} cells, header has ${header.length}` });
      continue;
    }
    header.forEach((h, i) => {
      const rule = rules.get(h);
      const problem = rule ? checkCell(rule, row[i]!) : null;
      if (problem) problems.push({ row: r, column: h, message: problem });
    });
    for (const [start, end] of [["ChargePeriodStart", "ChargePeriodEnd"], ["BillingPeriodStart", "BillingPeriodEnd"]] as const) {
      const s = row[idx(start)];
      const e = row[idx(end)];
      if (s && e && !(Date.parse(e) > Date.parse(s))) problems.push({ row: r, column: end, message: `must be after ${start}` });
    }
    const cs = row[idx("ChargePeriodStart")];
    const bs = row[idx("BillingPeriodStart")];
    const be = row[idx("BillingPeriodEnd")];
    if (cs && bs && be && (Date.parse(cs) < Date.parse(bs) || Date.parse(cs) >= Date.parse(be))) problems.push({ row: r, column: "ChargePeriodStart", message: "outside the billing period" });
  }
  return problems;
}
