/**
 * FOCUS 1.2 (FinOps Open Cost and Usage Specification) column rules used by both the
 * writer and the validator: which columns are mandatory, their types, whether they may be
 * null, and the allowed values. Pure data; no I/O.
 */

export type FocusType = "decimal" | "datetime" | "string" | "json";

export interface FocusColumnRule {
  name: string;
  type: FocusType;
  nullable: boolean;
  allowed?: readonly string[];
}

/** ISO 4217 codes we may write (and a validator accepts): USD is the only one used here. */
export const ISO_4217 = ["USD", "EUR", "GBP", "JPY", "CHF", "CAD", "AUD", "SEK", "NOK", "DKK", "INR", "CNY", "BRL"] as const;

export const SERVICE_CATEGORIES = [
  "AI and Machine Learning", "Analytics", "Business Applications", "Compute", "Databases", "Developer Tools", "Multicloud",
  "Identity", "Integration", "Internet of Things", "Management and Governance", "Media", "Migration", "Mobile",
  "Networking", "Security", "Storage", "Web", "Other",
] as const;

/** Mandatory in FOCUS 1.2 (plus ServiceSubcategory) — must be present in every dataset. */
export const FOCUS_MANDATORY: readonly FocusColumnRule[] = [
  { name: "BilledCost", type: "decimal", nullable: false },
  { name: "BillingAccountId", type: "string", nullable: false },
  { name: "BillingAccountName", type: "string", nullable: true },
  { name: "BillingCurrency", type: "string", nullable: false, allowed: ISO_4217 },
  { name: "BillingPeriodEnd", type: "datetime", nullable: false },
  { name: "BillingPeriodStart", type: "datetime", nullable: false },
  { name: "ChargeCategory", type: "string", nullable: false, allowed: ["Usage", "Purchase", "Tax", "Credit", "Adjustment"] },
  { name: "ChargeClass", type: "string", nullable: true, allowed: ["Correction"] },
  { name: "ChargeDescription", type: "string", nullable: true },
  { name: "ChargePeriodEnd", type: "datetime", nullable: false },
  { name: "ChargePeriodStart", type: "datetime", nullable: false },
  { name: "ContractedCost", type: "decimal", nullable: false },
  { name: "EffectiveCost", type: "decimal", nullable: false },
  { name: "InvoiceIssuerName", type: "string", nullable: false },
  { name: "ListCost", type: "decimal", nullable: false },
  { name: "PricingQuantity", type: "decimal", nullable: true },
  { name: "PricingUnit", type: "string", nullable: true },
  { name: "ProviderName", type: "string", nullable: false },
  { name: "PublisherName", type: "string", nullable: false },
  { name: "ServiceCategory", type: "string", nullable: false, allowed: SERVICE_CATEGORIES },
  { name: "ServiceName", type: "string", nullable: false },
  { name: "ServiceSubcategory", type: "string", nullable: true },
];

/** Recommended / conditional columns this export also fills (or leaves null where unknown). */
export const FOCUS_OPTIONAL: readonly FocusColumnRule[] = [
  { name: "BillingAccountType", type: "string", nullable: true },
  { name: "ChargeFrequency", type: "string", nullable: true, allowed: ["One-Time", "Recurring", "Usage-Based"] },
  { name: "ConsumedQuantity", type: "decimal", nullable: true },
  { name: "ConsumedUnit", type: "string", nullable: true },
  { name: "ContractedUnitPrice", type: "decimal", nullable: true },
  { name: "InvoiceId", type: "string", nullable: true },
  { name: "ListUnitPrice", type: "decimal", nullable: true },
  { name: "PricingCategory", type: "string", nullable: true, allowed: ["Standard", "Dynamic", "Committed", "Other"] },
  { name: "PricingCurrency", type: "string", nullable: true, allowed: ISO_4217 },
  { name: "RegionId", type: "string", nullable: true },
  { name: "RegionName", type: "string", nullable: true },
  { name: "ResourceId", type: "string", nullable: true },
  { name: "ResourceName", type: "string", nullable: true },
  { name: "ResourceType", type: "string", nullable: true },
  { name: "SkuId", type: "string", nullable: true },
  { name: "SkuPriceId", type: "string", nullable: true },
  { name: "SubAccountId", type: "string", nullable: true },
  { name: "SubAccountName", type: "string", nullable: true },
  { name: "Tags", type: "json", nullable: true },
];

/** Allotment's own dimensions, as FOCUS custom columns (x_ prefix). */
export const FOCUS_CUSTOM = [
  "x_MemberEmail",
  "x_MemberName",
  "x_CostCenter",
  "x_Product",
  "x_Model",
  "x_InputTokens",
  "x_CachedInputTokens",
  "x_OutputTokens",
  "x_Requests",
  "x_Credits",
] as const;

export const FOCUS_HEADER: readonly string[] = [...FOCUS_MANDATORY, ...FOCUS_OPTIONAL].map((c) => c.name).sort().concat(FOCUS_CUSTOM);
