import { describe, expect, it } from "vitest";

import { FOCUS_COLUMNS, FOCUS_EXPORT_COLUMNS, FOCUS_HEADER, FOCUS_MANDATORY } from "./focus-spec";
import { validateFocusCsv } from "./focus-validate";

/** The 57 column IDs of FOCUS 1.2 (FOCUS_Spec tag v1.2, specification/columns/*.md). */
const FOCUS_1_2 = [
  "AvailabilityZone",
  "BilledCost",
  "BillingAccountId",
  "BillingAccountName",
  "BillingAccountType",
  "BillingCurrency",
  "BillingPeriodEnd",
  "BillingPeriodStart",
  "CapacityReservationId",
  "CapacityReservationStatus",
  "ChargeCategory",
  "ChargeClass",
  "ChargeDescription",
  "ChargeFrequency",
  "ChargePeriodEnd",
  "ChargePeriodStart",
  "CommitmentDiscountCategory",
  "CommitmentDiscountId",
  "CommitmentDiscountName",
  "CommitmentDiscountQuantity",
  "CommitmentDiscountStatus",
  "CommitmentDiscountType",
  "CommitmentDiscountUnit",
  "ConsumedQuantity",
  "ConsumedUnit",
  "ContractedCost",
  "ContractedUnitPrice",
  "EffectiveCost",
  "InvoiceId",
  "InvoiceIssuerName",
  "ListCost",
  "ListUnitPrice",
  "PricingCategory",
  "PricingCurrency",
  "PricingCurrencyContractedUnitPrice",
  "PricingCurrencyEffectiveCost",
  "PricingCurrencyListUnitPrice",
  "PricingQuantity",
  "PricingUnit",
  "ProviderName",
  "PublisherName",
  "RegionId",
  "RegionName",
  "ResourceId",
  "ResourceName",
  "ResourceType",
  "ServiceCategory",
  "ServiceName",
  "ServiceSubcategory",
  "SkuId",
  "SkuMeter",
  "SkuPriceDetails",
  "SkuPriceId",
  "SubAccountId",
  "SubAccountName",
  "SubAccountType",
  "Tags",
];

const BASE: Record<string, string> = {
  BilledCost: "1.5",
  BillingAccountId: "ws",
  BillingCurrency: "USD",
  BillingPeriodEnd: "2026-12-01T00:00:00Z",
  BillingPeriodStart: "2026-11-01T00:00:00Z",
  ChargeCategory: "Usage",
  ChargePeriodEnd: "2026-11-03T00:00:00Z",
  ChargePeriodStart: "2026-11-02T00:00:00Z",
  ContractedCost: "1.5",
  EffectiveCost: "1.5",
  InvoiceIssuerName: "OpenAI",
  ListCost: "2.0",
  PricingQuantity: "100.0",
  PricingUnit: "Tokens",
  ProviderName: "OpenAI",
  PublisherName: "OpenAI",
  ServiceCategory: "AI and Machine Learning",
  ServiceName: "Codex",
};

function csv(columns: readonly string[], over: Record<string, string> = {}): string {
  const cell = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return `${columns.join(",")}\r\n${columns.map((c) => cell(over[c] ?? BASE[c] ?? "")).join(",")}\r\n`;
}

describe("FOCUS 1.2 rules", () => {
  it("knows exactly the 57 FOCUS 1.2 columns, and which are mandatory", () => {
    expect(FOCUS_COLUMNS.map((c) => c.name)).toEqual(FOCUS_1_2);
    expect(FOCUS_MANDATORY.map((c) => c.name)).toEqual([
      "BilledCost",
      "BillingAccountId",
      "BillingAccountName",
      "BillingCurrency",
      "BillingPeriodEnd",
      "BillingPeriodStart",
      "ChargeCategory",
      "ChargeClass",
      "ChargeDescription",
      "ChargePeriodEnd",
      "ChargePeriodStart",
      "ContractedCost",
      "EffectiveCost",
      "InvoiceIssuerName",
      "ListCost",
      "PricingQuantity",
      "PricingUnit",
      "ProviderName",
      "PublisherName",
      "ServiceCategory",
      "ServiceName",
    ]);
  });

  it("accepts a dataset with every 1.2 column (none is 'not a FOCUS column')", () => {
    expect(
      validateFocusCsv(
        csv(FOCUS_1_2, {
          ServiceSubcategory: "Generative AI",
          ChargeFrequency: "Usage-Based",
          BillingAccountType: "Workspace",
        }),
      ),
    ).toEqual([]);
    expect(
      validateFocusCsv(csv([...FOCUS_MANDATORY.map((c) => c.name), "x_Team", "Team"])),
    ).toEqual([expect.objectContaining({ column: "Team", row: null })]);
  });

  it("numbers: integer, decimal and E notation as FOCUS allows; not a signed positive exponent, a plus, a comma or a unit", () => {
    const cols = FOCUS_MANDATORY.map((c) => c.name);
    for (const ok of ["1e3", "35.2E-7", "-100.2", "1.234", ".5"])
      expect(validateFocusCsv(csv(cols, { BilledCost: ok })), ok).toEqual([]);
    for (const bad of ["35.2E+7", "+333.0", "3,432.0", "32 GiB", "$32.0", "1 1/2", "2.3^3", "1."]) {
      expect(validateFocusCsv(csv(cols, { BilledCost: bad }))[0], bad).toMatchObject({
        column: "BilledCost",
      });
    }
  });

  it("a Decimal column of integer-only text is reported (the Foundation's validator types it as an integer)", () => {
    const cols = FOCUS_MANDATORY.map((c) => c.name);
    expect(validateFocusCsv(csv(cols, { PricingQuantity: "100" }))).toEqual([
      expect.objectContaining({ row: null, column: "PricingQuantity" }),
    ]);
    expect(validateFocusCsv(csv(cols, { PricingQuantity: "1E2" }))).toEqual([]);
  });

  it("checks currency codes, allowed values and the subcategory of the category", () => {
    const cols = [...FOCUS_MANDATORY.map((c) => c.name), "ServiceSubcategory", "PricingCurrency"];
    expect(
      validateFocusCsv(csv(cols, { ServiceSubcategory: "Generative AI", PricingCurrency: "MXN" })),
    ).toEqual([]);
    expect(
      validateFocusCsv(csv(cols, { ServiceSubcategory: "Virtual Machines" }))[0],
    ).toMatchObject({ column: "ServiceSubcategory" });
    expect(
      validateFocusCsv(
        csv(cols, { ServiceSubcategory: "Generative AI", PricingCurrency: "usd" }),
      )[0],
    ).toMatchObject({ column: "PricingCurrency" });
    expect(
      validateFocusCsv(
        csv(cols, { ServiceSubcategory: "Generative AI", ChargeClass: "Refund" }),
      )[0],
    ).toMatchObject({ column: "ChargeClass" });
  });

  it("the export's header: every mandatory column, FOCUS names or x_ only, no always-empty InvoiceId", () => {
    for (const m of FOCUS_MANDATORY) expect(FOCUS_HEADER).toContain(m.name);
    for (const h of FOCUS_HEADER) expect(FOCUS_1_2.includes(h) || h.startsWith("x_"), h).toBe(true);
    expect(FOCUS_EXPORT_COLUMNS).not.toContain("InvoiceId");
    expect(FOCUS_HEADER).toEqual(
      expect.arrayContaining(["x_MemberEmail", "x_Model", "x_Product", "x_Provider"]),
    );
  });
});
