/**
 * FOCUS 1.2 cost-and-usage CSV: one row per day × member × product × model × provider,
 * streamed from the daily rollup with keyset pagination on its primary key (bounded
 * memory). Allotment's dimensions ride in x_ columns.
 */
import "server-only";
import type { Db } from "../db";
import { addDays, dayStart, type Period } from "../period";
import { csvStream, Decimal6, Instant, type CsvCell } from "./csv";
import { FOCUS_HEADER } from "./focus-spec";
import { rollupPage, type DayCursor } from "./rollup-reads";

const PROVIDERS: Record<string, string> = { openai: "OpenAI", anthropic: "Anthropic" };
const SERVICES: Record<string, string> = { chatgpt: "ChatGPT", codex: "Codex", api: "API", claude_code: "Claude Code" };

function providerName(p: string): string {
  return PROVIDERS[p] ?? (p ? p.charAt(0).toUpperCase() + p.slice(1) : "Unknown");
}

/** Billing periods are calendar months (UTC), as the providers invoice them. */
function billingMonth(day: string): { start: Date; end: Date } {
  const [y, m] = day.split("-").map(Number) as [number, number];
  return { start: new Date(Date.UTC(y, m - 1, 1)), end: new Date(Date.UTC(y, m, 1)) };
}

interface Person {
  email: string;
  name: string;
  costCenter: string | null;
}

export function focusFileName(workspaceSlug: string, period: Period): string {
  return `allotment-focus-1.2-${workspaceSlug}-${period.start}_${period.end}.csv`.replace(/[^A-Za-z0-9._-]/g, "_");
}

export function focusCsvStream(db: Db, opts: { workspace: { id: string; name: string }; period: Period; chunkSize?: number }): ReadableStream<Uint8Array> {
  const { workspace, period } = opts;
  const chunkSize = opts.chunkSize ?? 5000;
  const people = new Map<string, Person | null>();

  async function* rows(): AsyncGenerator<CsvCell[][]> {
    let cursor: DayCursor | null = null;
    for (;;) {
      const batch = await rollupPage(db, workspace.id, period, cursor, chunkSize);
      if (batch.length === 0) return;
      const last = batch[batch.length - 1]!;
      cursor = { day: last.day, memberKey: last.memberKey, product: last.product, model: last.model, provider: last.provider };
      const unknown = [...new Set(batch.map((r) => r.memberKey).filter((k) => k && !people.has(k)))];
      if (unknown.length) {
        const found = await db.member.findMany({ where: { workspaceId: workspace.id, id: { in: unknown } }, select: { id: true, email: true, name: true, costCenter: true } });
        for (const k of unknown) people.set(k, null);
        for (const f of found) people.set(f.id, f);
        // keep the cache bounded on huge workspaces
        if (people.size > 50_000) people.clear();
      }
      yield batch.map((r) => {
        const person = r.memberKey ? (people.get(r.memberKey) ?? null) : null;
        const month = billingMonth(r.day);
        const provider = providerName(r.provider);
        const service = SERVICES[r.product] ?? r.product;
        const tokens = r.inputTokens + r.outputTokens;
        const cells: Record<string, CsvCell> = {
          BilledCost: new Decimal6(r.costMicros),
          BillingAccountId: workspace.id,
          BillingAccountName: workspace.name,
          BillingAccountType: "Workspace",
          BillingCurrency: "USD",
          BillingPeriodEnd: new Instant(month.end),
          BillingPeriodStart: new Instant(month.start),
          ChargeCategory: "Usage",
          ChargeClass: null,
          ChargeDescription: `${service} usage of ${r.model || "unknown model"}${person ? ` by ${person.email}` : " (unattributed)"}`,
          ChargeFrequency: "Usage-Based",
          ChargePeriodEnd: new Instant(dayStart(addDays(r.day, 1))),
          ChargePeriodStart: new Instant(dayStart(r.day)),
          ConsumedQuantity: tokens,
          ConsumedUnit: "Tokens",
          ContractedCost: new Decimal6(r.costMicros),
          ContractedUnitPrice: null,
          EffectiveCost: new Decimal6(r.costMicros),
          InvoiceId: null,
          InvoiceIssuerName: provider,
          ListCost: new Decimal6(r.estimatedCostMicros),
          ListUnitPrice: null,
          PricingCategory: "Standard",
          PricingCurrency: "USD",
          PricingQuantity: tokens,
          PricingUnit: "Tokens",
          ProviderName: provider,
          PublisherName: provider,
          RegionId: null,
          RegionName: null,
          ResourceId: null,
          ResourceName: null,
          ResourceType: null,
          ServiceCategory: "AI and Machine Learning",
          ServiceName: service,
          ServiceSubcategory: "Generative AI",
          SkuId: r.model || null,
          SkuPriceId: null,
          SubAccountId: null,
          SubAccountName: null,
          Tags: null,
          x_MemberEmail: person?.email ?? null,
          x_MemberName: person?.name ?? null,
          x_CostCenter: person?.costCenter ?? null,
          x_Product: r.product,
          x_Model: r.model,
          x_InputTokens: r.inputTokens,
          x_CachedInputTokens: r.cachedInputTokens,
          x_OutputTokens: r.outputTokens,
          x_Requests: r.requests,
          x_Credits: new Decimal6(r.creditsMicros),
        };
        return FOCUS_HEADER.map((h) => cells[h] ?? null);
      });
      if (batch.length < chunkSize) return;
    }
  }
  return csvStream(FOCUS_HEADER, rows());
}
