/**
 * ChatGPT's amounts: `limit_amount.amount` is a decimal string — whole credits ("1000") or US
 * dollars with cents ("50.00") — and the older `limit` is whole credits. Exact: read and
 * written through lib/core/money.ts, never as floats.
 */
import { microsToDecimal, parseMicros } from "../../core/money";
import { roundToVendor, type VendorUnit } from "../units";
import type { LimitRule, UserLimit } from "./schemas";

/** ChatGPT `limit_amount.amount`: "1000" credits or "50.00" USD. */
export function chatgptAmountText(micros: bigint, unit: VendorUnit): string {
  return unit === "credit"
    ? microsToDecimal(roundToVendor(micros, unit), 0)
    : microsToDecimal(roundToVendor(micros, unit), 2);
}

export function parseChatgptAmount(text: string): bigint {
  return parseMicros(text);
}

/** A rule → micro-units of its unit; null = unlimited. */
export function ruleAmount(rule: LimitRule): { micros: bigint | null; unit: VendorUnit | null } {
  if (rule.type === "unlimited") return { micros: null, unit: null };
  if (rule.limit_amount)
    return { micros: parseChatgptAmount(rule.limit_amount.amount), unit: rule.limit_amount.unit };
  if (typeof rule.limit === "number")
    return { micros: BigInt(rule.limit) * 1_000_000n, unit: "credit" };
  // "limited" without an amount is not a shape the reference shows: refuse to guess
  throw new Error("usage limit rule is limited but carries neither limit_amount nor limit");
}

/** The override as one rule or none (`null`, `[]` and `[rule]` are all documented). */
export function overrideRule(u: UserLimit): LimitRule | null {
  const o = u.override_monthly_usage_limit;
  if (o === null) return null;
  if (Array.isArray(o)) return o[0] ?? null;
  return o;
}
