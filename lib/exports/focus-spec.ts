/**
 * FOCUS 1.2 (FinOps Open Cost and Usage Specification) column rules used by the writer,
 * the validator and the importer: every column the 1.2 specification defines, with its
 * feature level, type, nullability and allowed values. Pure data; no I/O.
 *
 * Source: github.com/FinOps-Open-Cost-and-Usage-Spec/FOCUS_Spec, tag v1.2 (commit
 * 7296e3146fb931ee32b6496fa6e4200e7f4384f7), specification/columns/*.md ("Content
 * Constraints" tables) and specification/attributes/numeric_format.md; cross-checked with
 * the FinOps Foundation validator's rule model, github.com/finopsfoundation/focus_validator
 * (commit 240cea25310e5615cb867e80ad9f7bb09809abb3), focus_validator/rules/model-1.2.json.
 * See docs/pricing-and-focus.md.
 */

export type FocusType = "decimal" | "datetime" | "string" | "json";
export type FeatureLevel = "Mandatory" | "Recommended" | "Conditional";

export interface FocusColumnRule {
  name: string;
  level: FeatureLevel;
  type: FocusType;
  nullable: boolean;
  allowed?: readonly string[];
}

/** FOCUS 1.2 NumericFormat (numeric_format.md): "-3", "1.234", "35.2E-7" yes; "35.2E+7", "+333", "3,432", "1 1/2" no. */
export const FOCUS_NUMBER = /^-?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE]-?\d+)?$/;

/** ISO 4217 codes this export writes (USD only); the validator checks the code's format. */
export const ISO_4217 = [
  "USD",
  "EUR",
  "GBP",
  "JPY",
  "CHF",
  "CAD",
  "AUD",
  "SEK",
  "NOK",
  "DKK",
  "INR",
  "CNY",
  "BRL",
] as const;

/** ServiceCategory → its ServiceSubcategory values (FOCUS 1.2 servicesubcategory.md). */
export const SERVICE_SUBCATEGORIES: Readonly<Record<string, readonly string[]>> = {
  "AI and Machine Learning": [
    "AI Platforms",
    "Bots",
    "Generative AI",
    "Machine Learning",
    "Natural Language Processing",
    "Other (AI and Machine Learning)",
  ],
  Analytics: [
    "Analytics Platforms",
    "Business Intelligence",
    "Data Processing",
    "Search",
    "Streaming Analytics",
    "Other (Analytics)",
  ],
  "Business Applications": ["Productivity and Collaboration", "Other (Business Applications)"],
  Compute: [
    "Containers",
    "End User Computing",
    "Quantum Compute",
    "Serverless Compute",
    "Virtual Machines",
    "Other (Compute)",
  ],
  Databases: [
    "Caching",
    "Data Warehouses",
    "Ledger Databases",
    "NoSQL Databases",
    "Relational Databases",
    "Time Series Databases",
    "Other (Databases)",
  ],
  "Developer Tools": [
    "Developer Platforms",
    "Continuous Integration and Deployment",
    "Development Environments",
    "Source Code Management",
    "Quality Assurance",
    "Other (Developer Tools)",
  ],
  Identity: ["Identity and Access Management", "Other (Identity)"],
  Integration: ["API Management", "Messaging", "Workflow Orchestration", "Other (Integration)"],
  "Internet of Things": ["IoT Analytics", "IoT Platforms", "Other (Internet of Things)"],
  "Management and Governance": [
    "Architecture",
    "Compliance",
    "Cost Management",
    "Data Governance",
    "Disaster Recovery",
    "Endpoint Management",
    "Observability",
    "Support",
    "Other (Management and Governance)",
  ],
  Media: ["Content Creation", "Gaming", "Media Streaming", "Mixed Reality", "Other (Media)"],
  Migration: ["Data Migration", "Resource Migration", "Other (Migration)"],
  Mobile: ["Other (Mobile)"],
  Multicloud: ["Multicloud Integration", "Other (Multicloud)"],
  Networking: [
    "Application Networking",
    "Content Delivery",
    "Network Connectivity",
    "Network Infrastructure",
    "Network Routing",
    "Network Security",
    "Other (Networking)",
  ],
  Security: [
    "Secret Management",
    "Security Posture Management",
    "Threat Detection and Response",
    "Other (Security)",
  ],
  Storage: [
    "Backup Storage",
    "Block Storage",
    "File Storage",
    "Object Storage",
    "Storage Platforms",
    "Other (Storage)",
  ],
  Web: ["Application Platforms", "Other (Web)"],
  Other: ["Other (Other)"],
};

export const SERVICE_CATEGORIES = Object.keys(SERVICE_SUBCATEGORIES);

const USED_UNUSED = ["Used", "Unused"] as const;

const col = (
  name: string,
  level: FeatureLevel,
  type: FocusType,
  nullable: boolean,
  allowed?: readonly string[],
): FocusColumnRule => ({ name, level, type, nullable, ...(allowed ? { allowed } : {}) });
const M = "Mandatory";
const R = "Recommended";
const C = "Conditional";

/** All 57 columns of FOCUS 1.2, alphabetical (as the specification lists them). */
export const FOCUS_COLUMNS: readonly FocusColumnRule[] = [
  col("AvailabilityZone", R, "string", true),
  col("BilledCost", M, "decimal", false),
  col("BillingAccountId", M, "string", false),
  col("BillingAccountName", M, "string", true),
  col("BillingAccountType", C, "string", false),
  col("BillingCurrency", M, "string", false),
  col("BillingPeriodEnd", M, "datetime", false),
  col("BillingPeriodStart", M, "datetime", false),
  col("CapacityReservationId", C, "string", true),
  col("CapacityReservationStatus", C, "string", true, USED_UNUSED),
  col("ChargeCategory", M, "string", false, ["Usage", "Purchase", "Tax", "Credit", "Adjustment"]),
  col("ChargeClass", M, "string", true, ["Correction"]),
  col("ChargeDescription", M, "string", true),
  col("ChargeFrequency", R, "string", false, ["One-Time", "Recurring", "Usage-Based"]),
  col("ChargePeriodEnd", M, "datetime", false),
  col("ChargePeriodStart", M, "datetime", false),
  col("CommitmentDiscountCategory", C, "string", true, ["Spend", "Usage"]),
  col("CommitmentDiscountId", C, "string", true),
  col("CommitmentDiscountName", C, "string", true),
  col("CommitmentDiscountQuantity", C, "decimal", true),
  col("CommitmentDiscountStatus", C, "string", true, USED_UNUSED),
  col("CommitmentDiscountType", C, "string", true),
  col("CommitmentDiscountUnit", C, "string", true),
  col("ConsumedQuantity", C, "decimal", true),
  col("ConsumedUnit", C, "string", true),
  col("ContractedCost", M, "decimal", false),
  col("ContractedUnitPrice", C, "decimal", true),
  col("EffectiveCost", M, "decimal", false),
  col("InvoiceId", R, "string", true),
  col("InvoiceIssuerName", M, "string", false),
  col("ListCost", M, "decimal", false),
  col("ListUnitPrice", C, "decimal", true),
  col("PricingCategory", C, "string", true, ["Standard", "Dynamic", "Committed", "Other"]),
  col("PricingCurrency", C, "string", true),
  col("PricingCurrencyContractedUnitPrice", C, "decimal", true),
  col("PricingCurrencyEffectiveCost", C, "decimal", true),
  col("PricingCurrencyListUnitPrice", C, "decimal", true),
  col("PricingQuantity", M, "decimal", true),
  col("PricingUnit", M, "string", true),
  col("ProviderName", M, "string", false),
  col("PublisherName", M, "string", false),
  col("RegionId", C, "string", true),
  col("RegionName", C, "string", true),
  col("ResourceId", C, "string", true),
  col("ResourceName", C, "string", true),
  col("ResourceType", C, "string", true),
  col("ServiceCategory", M, "string", false, SERVICE_CATEGORIES),
  col("ServiceName", M, "string", false),
  col("ServiceSubcategory", R, "string", false, Object.values(SERVICE_SUBCATEGORIES).flat()),
  col("SkuId", C, "string", true),
  col("SkuMeter", C, "string", true),
  col("SkuPriceDetails", C, "json", true),
  col("SkuPriceId", C, "string", true),
  col("SubAccountId", C, "string", true),
  col("SubAccountName", C, "string", true),
  col("SubAccountType", C, "string", true),
  col("Tags", C, "json", true),
];

/** Columns every FOCUS 1.2 dataset must have (nullable ones may hold nulls). */
export const FOCUS_MANDATORY: readonly FocusColumnRule[] = FOCUS_COLUMNS.filter(
  (c) => c.level === "Mandatory",
);
/** Recommended and conditional columns: present only where the provider has the data. */
export const FOCUS_OPTIONAL: readonly FocusColumnRule[] = FOCUS_COLUMNS.filter(
  (c) => c.level !== "Mandatory",
);
/** Currency columns: an ISO 4217 alphabetic code (a virtual currency would be a name; not written here). */
export const CURRENCY_COLUMNS: ReadonlySet<string> = new Set([
  "BillingCurrency",
  "PricingCurrency",
]);

/**
 * The FOCUS columns this export writes: the mandatory ones plus the optional ones it has a
 * value for on every row. Optional columns it would leave empty (InvoiceId, regions,
 * resources, unit prices, commitment discounts …) are omitted, as FOCUS asks.
 */
export const FOCUS_EXPORT_COLUMNS: readonly string[] = [
  ...FOCUS_MANDATORY.map((c) => c.name),
  "BillingAccountType",
  "ChargeFrequency",
  "ConsumedQuantity",
  "ConsumedUnit",
  "PricingCategory",
  "PricingCurrency",
  "ServiceSubcategory",
  "SkuId",
].sort();

/** Allotment's own dimensions, as FOCUS custom columns (x_ prefix); the import reads them back. */
export const FOCUS_CUSTOM = [
  "x_MemberEmail",
  "x_MemberName",
  "x_CostCenter",
  "x_Provider",
  "x_Product",
  "x_Model",
  "x_InputTokens",
  "x_CachedInputTokens",
  "x_OutputTokens",
  "x_Requests",
  "x_Credits",
  /** Claude Code seat plans: the provider's estimate, USD — not billed cost (BilledCost stays 0) */
  "x_SeatEstimatedCost",
] as const;

export const FOCUS_HEADER: readonly string[] = [...FOCUS_EXPORT_COLUMNS, ...FOCUS_CUSTOM];
