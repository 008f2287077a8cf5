/**
 * Amounts between Allotment (micro-units of the workspace's budget unit) and the vendors
 * (ChatGPT: whole credits or USD with cent precision; Claude: USD cents; GitHub budgets and
 * Cursor limits: whole dollars): the one table every vendor's amounts go through. Each
 * vendor's wire format (text, JSON numbers) is in its own folder's money.ts.
 * Everything is bigint; comparisons happen after rounding to the vendor's precision, so a
 * value Allotment wrote reads back equal and a re-apply writes nothing.
 */
import {
  creditsToUsd,
  divRoundHalfEven,
  formatAmount,
  microsToDecimal,
  usdToCredits,
  type Unit,
} from "../core/money";

/** "usd_whole": GitHub budgets, whole US dollars (Copilot usage itself is in AI credits of $0.01) */
export type VendorUnit = "credit" | "usd" | "usd_whole";
/** The workspace budget unit (money.ts's Unit) under the name the vendor code uses. */
export type BudgetUnit = Unit;

/** The vendor's precision in micro-units: whole credits or dollars, or cents. */
function step(unit: VendorUnit): bigint {
  return unit === "usd" ? 10_000n : 1_000_000n;
}

/** Units whose amounts are US dollars (at some precision). */
export function isUsdUnit(unit: VendorUnit): boolean {
  return unit === "usd" || unit === "usd_whole";
}

/** micro-USD per Copilot AI credit: fixed by GitHub ($0.01, §2.1 pricePerUnit) */
export const COPILOT_AI_CREDIT_USD_MICROS = 10_000n;

/**
 * The one unit table: what one unit of each vendor's currency is worth in micro-USD. ChatGPT
 * credits are worth what the workspace says; a Copilot AI credit is $0.01; USD is USD.
 */
export function usdMicrosPerUnit(
  unit: VendorUnit | "ai_credit",
  usdPerCreditMicros: bigint,
): bigint {
  if (unit === "credit") return usdPerCreditMicros;
  if (unit === "ai_credit") return COPILOT_AI_CREDIT_USD_MICROS;
  return 1_000_000n;
}

/** "1 Copilot AI credit = $0.01 = 0.25 workspace credits": a vendor unit against the budget unit, for the connector. */
export function describeUnitConversion(
  unit: VendorUnit | "ai_credit",
  budgetUnit: BudgetUnit,
  usdPerCreditMicros: bigint,
): string {
  const usd = usdMicrosPerUnit(unit, usdPerCreditMicros);
  const name =
    unit === "ai_credit"
      ? "1 Copilot AI credit"
      : unit === "credit"
        ? "1 ChatGPT credit"
        : unit === "usd_whole"
          ? "Limits in whole US dollars: $1"
          : "$1";
  const inUsd = formatAmount(usd, "USD");
  if (budgetUnit === "USD") return `${name} = ${inUsd}`;
  return `${name} = ${inUsd} = ${microsToDecimal(divRoundHalfEven(usd * 1_000_000n, usdPerCreditMicros), 6).replace(/\.?0+$/, "")} workspace credits`;
}

/** Rounds vendor micros to what the vendor can store (half-even): for reading back values, never for limits. */
export function roundToVendor(micros: bigint, unit: VendorUnit): bigint {
  const s = step(unit);
  return divRoundHalfEven(micros, s) * s;
}

/** Rounds down to the vendor's precision: a limit is rounded toward the stricter side (1,001.5 credits → 1,001). */
export function floorToVendor(micros: bigint, unit: VendorUnit): bigint {
  const s = step(unit);
  return micros < 0n ? 0n : (micros / s) * s;
}

/** a·b/c rounded down (amounts here are never negative) */
const mulDivFloor = (a: bigint, b: bigint, c: bigint) => (a * b) / c;
const mulDivCeil = (a: bigint, b: bigint, c: bigint) => (a * b + c - 1n) / c;

/**
 * Allotment limit (budget-unit micros; null = unlimited) → vendor micros at vendor precision,
 * rounded down at every step: what a vendor is told never exceeds Allotment's figure.
 */
export function toVendorMicros(
  limit: bigint | null,
  budgetUnit: BudgetUnit,
  vendorUnit: VendorUnit,
  usdPerCreditMicros: bigint,
): bigint | null {
  if (limit === null) return null;
  let v = limit < 0n ? 0n : limit;
  if (budgetUnit === "CREDITS" && isUsdUnit(vendorUnit))
    v = mulDivFloor(v, usdPerCreditMicros, 1_000_000n);
  if (budgetUnit === "USD" && vendorUnit === "credit")
    v = mulDivFloor(v, 1_000_000n, usdPerCreditMicros);
  return floorToVendor(v, vendorUnit);
}

/** Vendor micros → budget micros rounded up: what a vendor allows, counted on the safe side. */
export function vendorToBudgetCeil(
  value: bigint | null,
  budgetUnit: BudgetUnit,
  vendorUnit: VendorUnit,
  usdPerCreditMicros: bigint,
): bigint | null {
  if (value === null) return null;
  if (budgetUnit === "CREDITS" && isUsdUnit(vendorUnit))
    return mulDivCeil(value, 1_000_000n, usdPerCreditMicros);
  if (budgetUnit === "USD" && vendorUnit === "credit")
    return mulDivCeil(value, usdPerCreditMicros, 1_000_000n);
  return value;
}

/** Vendor micros → Allotment budget-unit micros ("adopt vendor value"). */
export function fromVendorMicros(
  value: bigint | null,
  budgetUnit: BudgetUnit,
  vendorUnit: VendorUnit,
  usdPerCreditMicros: bigint,
): bigint | null {
  if (value === null) return null;
  if (budgetUnit === "CREDITS" && isUsdUnit(vendorUnit))
    return usdToCredits(value, usdPerCreditMicros);
  if (budgetUnit === "USD" && vendorUnit === "credit")
    return creditsToUsd(value, usdPerCreditMicros);
  return value;
}

/** For screens: the app's one formatter, or "unlimited". */
export function describeVendorAmount(micros: bigint | null, unit: VendorUnit): string {
  if (micros === null) return "unlimited";
  return formatAmount(micros, isUsdUnit(unit) ? "USD" : "CREDITS");
}

/** The vendors' `source` kinds in words (ChatGPT `source.kind`, Claude `source.type`; both treated as open sets). */
const SOURCE_LABELS: Record<string, string> = {
  individual_override: "individual override",
  group_default: "group default",
  workspace_default: "workspace default",
  role_based_personal_budget: "legacy weekly budget",
  user: "user limit",
  seat_tier: "seat-tier default",
  rbac_group: "group default",
  organization: "organization default",
  inherited: "vendor default",
  team: "team per-member limit",
  none: "no limit",
};

export function describeVendorSource(source: string): string {
  return SOURCE_LABELS[source] ?? source.replace(/_/g, " ");
}

/** "$500.00 (organization default)": a vendor's effective limit and where it comes from. */
export function describeVendorLimit(
  micros: bigint | null,
  unit: VendorUnit,
  source: string,
): string {
  return `${describeVendorAmount(micros, unit)} (${describeVendorSource(source)})`;
}
