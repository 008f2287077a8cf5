/**
 * FOCUS 1.2 cost-and-usage CSV: one row per day × member × product × model × provider,
 * streamed from the daily rollup with keyset pagination on its primary key (bounded
 * memory: one JSON chunk of rows at a time, rollup-reads.ts). Allotment's dimensions ride
 * in x_ columns. Every row is one line per source row, so the writer formats lines
 * straight from the chunk's arrays: per-day, per-person and per-model cells are encoded
 * once and reused, and the column order comes from FOCUS_HEADER through a compiled plan.
 */
import "server-only";
import type { Db } from "../db";
import { addDays, dayStart, type Period } from "../period";
import { RecordBytes, csvTextStream, intField, isoSeconds, microsField, textField, toBigIntValue, type IntValue } from "./csv";
import { FOCUS_HEADER } from "./focus-spec";
import { membersByIds, rollupPage, type DayCursor, type DayTuple } from "./rollup-reads";

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

interface PersonCells {
  email: string;
  name: string;
  costCenter: string;
  /** raw email for the description */
  rawEmail: string;
}

interface DayCells {
  billingStart: string;
  billingEnd: string;
  chargeStart: string;
  chargeEnd: string;
}

interface ComboCells {
  provider: string;
  service: string;
  sku: string;
  product: string;
  model: string;
  /** raw description up to the member part */
  describe: string;
}

/** Per-line values, by slot: the plan's numbers index a reused array (no object per line). */
const S = {
  cost: 0, list: 1, credits: 2, tokens: 3, input: 4, cached: 5, output: 6, requests: 7, description: 8,
  billingStart: 9, billingEnd: 10, chargeStart: 11, chargeEnd: 12,
  provider: 13, service: 14, sku: 15, product: 16, model: 17,
  email: 18, name: 19, costCenter: 20,
} as const;
const SLOTS = 21;

/** A constant (already encoded) or a slot. */
type Cell = string | number;

function addInt(a: IntValue, b: IntValue): IntValue {
  if (typeof a === "number" && typeof b === "number" && Number.isSafeInteger(a + b)) return a + b;
  return toBigIntValue(a) + toBigIntValue(b);
}

export function focusFileName(workspaceSlug: string, period: Period): string {
  return `allotment-focus-1.2-${workspaceSlug}-${period.start}_${period.end}.csv`.replace(/[^A-Za-z0-9._-]/g, "_");
}

/** Column → cell; columns not listed are null (empty). */
function focusColumns(workspace: { id: string; name: string }): Record<string, Cell> {
  return {
    BilledCost: S.cost,
    BillingAccountId: textField(workspace.id),
    BillingAccountName: textField(workspace.name),
    BillingAccountType: "Workspace",
    BillingCurrency: "USD",
    BillingPeriodEnd: S.billingEnd,
    BillingPeriodStart: S.billingStart,
    ChargeCategory: "Usage",
    ChargeDescription: S.description,
    ChargeFrequency: "Usage-Based",
    ChargePeriodEnd: S.chargeEnd,
    ChargePeriodStart: S.chargeStart,
    ConsumedQuantity: S.tokens,
    ConsumedUnit: "Tokens",
    ContractedCost: S.cost,
    EffectiveCost: S.cost,
    InvoiceIssuerName: S.provider,
    ListCost: S.list,
    PricingCategory: "Standard",
    PricingCurrency: "USD",
    PricingQuantity: S.tokens,
    PricingUnit: "Tokens",
    ProviderName: S.provider,
    PublisherName: S.provider,
    ServiceCategory: textField("AI and Machine Learning"),
    ServiceName: S.service,
    ServiceSubcategory: textField("Generative AI"),
    SkuId: S.sku,
    x_MemberEmail: S.email,
    x_MemberName: S.name,
    x_CostCenter: S.costCenter,
    x_Product: S.product,
    x_Model: S.model,
    x_InputTokens: S.input,
    x_CachedInputTokens: S.cached,
    x_OutputTokens: S.output,
    x_Requests: S.requests,
    x_Credits: S.credits,
  };
}

/** The header's columns as a list of constant runs and per-line cells, ending in CRLF. */
function compilePlan(columns: Record<string, Cell>): Cell[] {
  const plan: Cell[] = [];
  const push = (c: Cell) => {
    const last = plan[plan.length - 1];
    if (typeof c === "string" && typeof last === "string") plan[plan.length - 1] = last + c;
    else plan.push(c);
  };
  FOCUS_HEADER.forEach((h, i) => {
    if (i) push(",");
    push(columns[h] ?? "");
  });
  push("\r\n");
  return plan;
}

export function focusCsvStream(db: Db, opts: { workspace: { id: string; name: string }; period: Period; chunkSize?: number }): ReadableStream<Uint8Array> {
  const { workspace, period } = opts;
  const chunkSize = opts.chunkSize ?? 20_000;
  const plan = compilePlan(focusColumns(workspace));
  const people = new Map<string, PersonCells | null>();
  const days = new Map<string, DayCells>();
  const combos = new Map<string, Map<string, Map<string, ComboCells>>>(); // product → model → provider (a few dozen)

  const dayCells = (day: string): DayCells => {
    let d = days.get(day);
    if (!d) {
      const month = billingMonth(day);
      d = { billingStart: isoSeconds(month.start), billingEnd: isoSeconds(month.end), chargeStart: isoSeconds(dayStart(day)), chargeEnd: isoSeconds(dayStart(addDays(day, 1))) };
      if (days.size > 10_000) days.clear();
      days.set(day, d);
    }
    return d;
  };
  const comboCells = (product: string, model: string, provider: string): ComboCells => {
    // nested maps: no key string built per line
    const byModel = combos.get(product) ?? combos.set(product, new Map()).get(product)!;
    const byProvider = byModel.get(model) ?? byModel.set(model, new Map()).get(model)!;
    let c = byProvider.get(provider);
    if (!c) {
      const service = SERVICES[product] ?? product;
      c = { provider: textField(providerName(provider)), service: textField(service), sku: textField(model), product: textField(product), model: textField(model), describe: `${service} usage of ${model || "unknown model"}` };
      byProvider.set(provider, c);
    }
    return c;
  };
  const loadPeople = async (batch: DayTuple[]) => {
    if (people.size > 50_000) people.clear(); // bounded on huge workspaces; refilled below
    const unknown = [...new Set(batch.map((r) => r[1]).filter((k) => k && !people.has(k)))];
    if (!unknown.length) return;
    for (const k of unknown) people.set(k, null);
    for (const [id, email, name, costCenter] of await membersByIds(db, workspace.id, unknown)) {
      people.set(id, { email: textField(email), name: textField(name), costCenter: costCenter === null ? "" : textField(costCenter), rawEmail: email });
    }
  };

  async function* text(): AsyncGenerator<Uint8Array[]> {
    const bytes = new RecordBytes();
    const v: string[] = new Array<string>(SLOTS).fill("");
    let cursor: DayCursor | null = null;
    for (;;) {
      const batch = await rollupPage(db, workspace.id, period, cursor, chunkSize);
      if (batch.length === 0) return;
      const last = batch[batch.length - 1]!;
      cursor = [last[0], last[1], last[2], last[3], last[4]];
      await loadPeople(batch);
      for (const [day, memberKey, product, model, provider, cost, estimated, credits, input, cached, output, requests] of batch) {
        const person = memberKey ? (people.get(memberKey) ?? null) : null;
        const combo = comboCells(product, model, provider);
        const d = dayCells(day);
        v[S.cost] = microsField(cost);
        v[S.list] = microsField(estimated);
        v[S.credits] = microsField(credits);
        v[S.tokens] = intField(addInt(input, output));
        v[S.input] = intField(input);
        v[S.cached] = intField(cached);
        v[S.output] = intField(output);
        v[S.requests] = intField(requests);
        v[S.description] = textField(person ? `${combo.describe} by ${person.rawEmail}` : `${combo.describe} (unattributed)`);
        v[S.billingStart] = d.billingStart;
        v[S.billingEnd] = d.billingEnd;
        v[S.chargeStart] = d.chargeStart;
        v[S.chargeEnd] = d.chargeEnd;
        v[S.provider] = combo.provider;
        v[S.service] = combo.service;
        v[S.sku] = combo.sku;
        v[S.product] = combo.product;
        v[S.model] = combo.model;
        v[S.email] = person ? person.email : "";
        v[S.name] = person ? person.name : "";
        v[S.costCenter] = person ? person.costCenter : "";
        let line = "";
        for (const c of plan) line += typeof c === "string" ? c : v[c];
        bytes.write(line);
      }
      yield bytes.take();
      if (batch.length < chunkSize) return;
    }
  }
  return csvTextStream(FOCUS_HEADER, text());
}
