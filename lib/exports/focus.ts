/**
 * FOCUS 1.2 cost-and-usage CSV: one row per day × member × product × model × provider,
 * streamed from the daily rollup with keyset pagination on its primary key (bounded
 * memory: one small JSON page of rows at a time, rollup-reads.ts, and 64 KB output blocks,
 * csv.ts BlockWriter). Allotment's dimensions ride in x_ columns, which the FOCUS import
 * (lib/ingest/adapters/file.ts) reads back: export → import round-trips per day × person ×
 * product × model × provider. Decimal columns always show a decimal point (token
 * quantities "1234.0"), and optional FOCUS columns without a value are not written
 * (focus-spec.ts FOCUS_EXPORT_COLUMNS).
 *
 * Every rollup row is one line, so this is the export whose speed is the row rate. The
 * column order comes from FOCUS_HEADER through a compiled plan: constant columns are
 * written once, and the cells that depend only on the day, the product/model/provider
 * combination or the person are pre-joined, with their neighbouring constants, into
 * segments cached per day / combination / person. A line is then ~25 pieces: the numbers,
 * the description and a handful of cached segments.
 */
import "server-only";

import { addDays, dayStart, type Period } from "../core/period";
import type { Db } from "../server/db";
import {
  BlockWriter,
  csvByteStream,
  intField,
  isoSeconds,
  microsField,
  neutralizeCell,
  textField,
  toBigIntValue,
  type IntValue,
} from "./csv";
import { FOCUS_HEADER } from "./focus-spec";
import { openExportSource, type JsonSource } from "./json-read";
import { membersByIds, rollupPages, type DayTuple } from "./rollup-reads";

const PROVIDERS: Record<string, string> = { openai: "OpenAI", anthropic: "Anthropic" };
const SERVICES: Record<string, string> = {
  chatgpt: "ChatGPT",
  codex: "Codex",
  api: "API",
  claude_code: "Claude Code",
};

function providerName(p: string): string {
  return PROVIDERS[p] ?? (p ? p.charAt(0).toUpperCase() + p.slice(1) : "Unknown");
}

/** Billing periods are calendar months (UTC), as the providers invoice them. */
function billingMonth(day: string): { start: Date; end: Date } {
  const [y, m] = day.split("-").map(Number) as [number, number];
  return { start: new Date(Date.UTC(y, m - 1, 1)), end: new Date(Date.UTC(y, m, 1)) };
}

/** Cells that change per line. */
const ROW_SLOTS = [
  "cost",
  "list",
  "credits",
  "tokens",
  "input",
  "cached",
  "output",
  "requests",
  "seat",
  "description",
] as const;
/** Cells that depend on one thing only, by what they depend on (cached per value of it). */
const GROUP_SLOTS = {
  day: ["billingStart", "billingEnd", "chargeStart", "chargeEnd"],
  combo: ["provider", "providerKey", "service", "sku", "product", "model"],
  person: ["email", "name", "costCenter"],
} as const;

type RowSlot = (typeof ROW_SLOTS)[number];
type Group = keyof typeof GROUP_SLOTS;
type GroupSlot = (typeof GROUP_SLOTS)[Group][number];
type Slot = RowSlot | GroupSlot;

const GROUP_OF = new Map<Slot, Group>(
  Object.entries(GROUP_SLOTS).flatMap(([g, slots]) => slots.map((s) => [s, g as Group] as const)),
);

/** A column's cell: an already-encoded constant, or a slot filled per line. */
class Var {
  constructor(readonly slot: Slot) {}
}
type Cell = string | Var;
const $ = (slot: Slot) => new Var(slot);

export function focusFileName(workspaceSlug: string, period: Period): string {
  return `allotment-focus-1.2-${workspaceSlug}-${period.start}_${period.end}.csv`.replace(
    /[^A-Za-z0-9._-]/g,
    "_",
  );
}

/** Column → cell; columns not listed are null (empty). */
function focusColumns(workspace: { id: string; name: string }): Record<string, Cell> {
  return {
    BilledCost: $("cost"),
    BillingAccountId: textField(workspace.id),
    BillingAccountName: textField(workspace.name),
    BillingAccountType: "Workspace",
    BillingCurrency: "USD",
    BillingPeriodEnd: $("billingEnd"),
    BillingPeriodStart: $("billingStart"),
    ChargeCategory: "Usage",
    ChargeDescription: $("description"),
    ChargeFrequency: "Usage-Based",
    ChargePeriodEnd: $("chargeEnd"),
    ChargePeriodStart: $("chargeStart"),
    ConsumedQuantity: $("tokens"),
    ConsumedUnit: "Tokens",
    ContractedCost: $("cost"),
    EffectiveCost: $("cost"),
    InvoiceIssuerName: $("provider"),
    ListCost: $("list"),
    PricingCategory: "Standard",
    PricingCurrency: "USD",
    PricingQuantity: $("tokens"),
    PricingUnit: "Tokens",
    ProviderName: $("provider"),
    PublisherName: $("provider"),
    ServiceCategory: textField("AI and Machine Learning"),
    ServiceName: $("service"),
    ServiceSubcategory: textField("Generative AI"),
    SkuId: $("sku"),
    x_MemberEmail: $("email"),
    x_MemberName: $("name"),
    x_CostCenter: $("costCenter"),
    x_Provider: $("providerKey"),
    x_Product: $("product"),
    x_Model: $("model"),
    x_InputTokens: $("input"),
    x_CachedInputTokens: $("cached"),
    x_OutputTokens: $("output"),
    x_Requests: $("requests"),
    x_Credits: $("credits"),
    x_SeatEstimatedCost: $("seat"),
  };
}

/**
 * A line as an array of parts that joined give the record (CRLF included): constants stay
 * in place, and per line the writer fills the row slots' positions and the positions of
 * each group's cached segments. A segment is a run of one group's cells with the constants
 * around them, rendered once per cache entry by `render`.
 */
interface Plan {
  parts: string[];
  row: Record<RowSlot, number[]>;
  segments: Record<Group, { at: number; cells: Cell[] }[]>;
}

function compilePlan(columns: Record<string, Cell>): Plan {
  const parts: string[] = [];
  const constant: boolean[] = [];
  const row = Object.fromEntries(ROW_SLOTS.map((s) => [s, [] as number[]])) as Record<
    RowSlot,
    number[]
  >;
  const segments: Plan["segments"] = { day: [], combo: [], person: [] };
  let open: { group: Group; cells: Cell[] } | null = null;
  const emit = (cell: Cell) => {
    if (typeof cell === "string") {
      if (open) open.cells.push(cell);
      else if (constant[parts.length - 1]) parts[parts.length - 1] += cell;
      else {
        parts.push(cell);
        constant.push(true);
      }
      return;
    }
    const group = GROUP_OF.get(cell.slot);
    if (group && open?.group === group) {
      open.cells.push(cell);
      return;
    }
    open = null;
    if (group) {
      // the constants just before the segment join it
      const cells: Cell[] = [cell];
      if (constant[parts.length - 1]) {
        cells.unshift(parts.pop()!);
        constant.pop();
      }
      open = { group, cells };
      segments[group].push({ at: parts.length, cells: open.cells });
    } else row[cell.slot as RowSlot].push(parts.length);
    parts.push("");
    constant.push(false);
  };
  FOCUS_HEADER.forEach((h, i) => {
    if (i) emit(",");
    emit(columns[h] ?? "");
  });
  emit("\r\n");
  return { parts, row, segments };
}

function render(cells: Cell[], values: Partial<Record<Slot, string>>): string {
  return cells.map((c) => (typeof c === "string" ? c : values[c.slot]!)).join("");
}

interface Person {
  /** the person group's segments, in plan order */
  segments: string[];
  /** " by <email>" when it can follow any description head unquoted, else null (see description) */
  byTail: string | null;
  rawEmail: string;
}

interface Combo {
  segments: string[];
  describe: string;
  /** the neutralised description start when a safe tail may follow it unquoted, else null */
  head: string | null;
  unattributed: string;
}

const QUOTE_INSIDE = /[",\r\n]/;
const SPACE_START = /^\s/;
const SPACE_END = /\s$/;

/** A whole quantity in a FOCUS Decimal column: "1234.0", never integer-only text (focus-validate.ts). */
function quantityField(v: IntValue): string {
  return `${intField(v)}.0`;
}

function addInt(a: IntValue, b: IntValue): IntValue {
  if (typeof a === "number" && typeof b === "number" && Number.isSafeInteger(a + b)) return a + b;
  return toBigIntValue(a) + toBigIntValue(b);
}

export function focusCsvStream(
  db: Db,
  opts: { workspace: { id: string; name: string }; period: Period; chunkSize?: number },
): ReadableStream<Uint8Array> {
  return csvByteStream(FOCUS_HEADER, focusBlocks(db, opts));
}

async function* focusBlocks(
  db: Db,
  opts: { workspace: { id: string; name: string }; period: Period; chunkSize?: number },
): AsyncGenerator<Uint8Array> {
  const src = await openExportSource(db);
  try {
    yield* blocksFrom(src, opts);
  } finally {
    src.close();
  }
}

async function* blocksFrom(
  src: JsonSource,
  opts: { workspace: { id: string; name: string }; period: Period; chunkSize?: number },
): AsyncGenerator<Uint8Array> {
  const { workspace, period } = opts;
  // a page is parsed whole: 1,000 rows are ~140 KB of JSON, small next to the heap
  const chunkSize = opts.chunkSize ?? 1000;
  const plan = compilePlan(focusColumns(workspace));
  const parts = plan.parts;
  const [
    costAt,
    listAt,
    creditsAt,
    tokensAt,
    inputAt,
    cachedAt,
    outputAt,
    requestsAt,
    seatAt,
    descriptionAt,
  ] = ROW_SLOTS.map((s) => plan.row[s]);
  const daySegments = plan.segments.day.map((s) => s.at);
  const comboSegments = plan.segments.combo.map((s) => s.at);
  const personSegments = plan.segments.person.map((s) => s.at);

  const days = new Map<string, string[]>();
  const combos = new Map<string, Map<string, Map<string, Combo>>>(); // product → model → provider (a few dozen)
  const people = new Map<string, Person | null>();
  const nobody: Person = {
    segments: plan.segments.person.map((s) =>
      render(s.cells, { email: "", name: "", costCenter: "" }),
    ),
    byTail: null,
    rawEmail: "",
  };

  const dayOf = (day: string): string[] => {
    let d = days.get(day);
    if (!d) {
      const month = billingMonth(day);
      const values = {
        billingStart: isoSeconds(month.start),
        billingEnd: isoSeconds(month.end),
        chargeStart: isoSeconds(dayStart(day)),
        chargeEnd: isoSeconds(dayStart(addDays(day, 1))),
      };
      d = plan.segments.day.map((s) => render(s.cells, values));
      if (days.size > 10_000) days.clear();
      days.set(day, d);
    }
    return d;
  };
  const comboOf = (product: string, model: string, provider: string): Combo => {
    // nested maps: no key string built per line
    const byModel = combos.get(product) ?? combos.set(product, new Map()).get(product)!;
    const byProvider = byModel.get(model) ?? byModel.set(model, new Map()).get(model)!;
    let c = byProvider.get(provider);
    if (!c) {
      const service = SERVICES[product] ?? product;
      const values = {
        provider: textField(providerName(provider)),
        providerKey: textField(provider),
        service: textField(service),
        sku: textField(model),
        product: textField(product),
        model: textField(model),
      };
      // the provider is named: the import's line item is this text, and it must tell two providers' rows apart
      const describe = `${providerName(provider)} ${service} usage of ${model || "unknown model"}`;
      const head = neutralizeCell(describe);
      c = {
        segments: plan.segments.combo.map((s) => render(s.cells, values)),
        describe,
        head: QUOTE_INSIDE.test(head) || SPACE_START.test(head) ? null : head,
        unattributed: textField(`${describe} (unattributed)`),
      };
      byProvider.set(provider, c);
    }
    return c;
  };
  /**
   * textField(`${describe} by ${email}`), without scanning the joined text per line: the
   * description never starts with the email, so neutralising depends on the head only, and
   * it needs quotes only if either part holds a quote/comma/line break, the head starts or
   * the email ends with a space. Anything else takes the general path.
   */
  const description = (combo: Combo, person: Person): string =>
    combo.head !== null && person.byTail !== null
      ? combo.head + person.byTail
      : textField(`${combo.describe} by ${person.rawEmail}`);

  const loadPeople = async (batch: DayTuple[]) => {
    if (people.size > 50_000) people.clear(); // bounded on huge workspaces; refilled below
    const unknown: string[] = [];
    let previous = "";
    for (const r of batch) {
      const key = r[1];
      if (key === previous) continue; // a member's rows of a day are adjacent (key order)
      previous = key;
      if (key && !people.has(key)) {
        people.set(key, null);
        unknown.push(key);
      }
    }
    if (!unknown.length) return;
    for (const [id, email, name, costCenter] of await membersByIds(src, workspace.id, unknown)) {
      const tail = ` by ${email}`;
      people.set(id, {
        segments: plan.segments.person.map((s) =>
          render(s.cells, {
            email: textField(email),
            name: textField(name),
            costCenter: costCenter === null ? "" : textField(costCenter),
          }),
        ),
        byTail: QUOTE_INSIDE.test(tail) || SPACE_END.test(tail) ? null : tail,
        rawEmail: email,
      });
    }
  };
  const fill = (at: number[], text: string) => {
    for (let i = 0; i < at.length; i++) parts[at[i]!] = text;
  };
  const fillSegments = (at: number[], segments: string[]) => {
    for (let i = 0; i < at.length; i++) parts[at[i]!] = segments[i]!;
  };

  const out = new BlockWriter();
  for await (const batch of rollupPages(src, workspace.id, period, chunkSize)) {
    await loadPeople(batch);
    let day = "";
    let personKey: string | null = null;
    let person: Person | null = null;
    for (const [
      rowDay,
      memberKey,
      product,
      model,
      provider,
      cost,
      estimated,
      credits,
      input,
      cached,
      output,
      requests,
      seat,
    ] of batch) {
      if (rowDay !== day) {
        day = rowDay;
        fillSegments(daySegments, dayOf(day));
      }
      const combo = comboOf(product, model, provider);
      if (memberKey !== personKey) {
        personKey = memberKey;
        person = memberKey ? (people.get(memberKey) ?? null) : null;
      }
      fill(costAt!, microsField(cost));
      fill(listAt!, microsField(estimated));
      fill(creditsAt!, microsField(credits));
      fill(tokensAt!, quantityField(addInt(input, output)));
      fill(inputAt!, intField(input));
      fill(cachedAt!, intField(cached));
      fill(outputAt!, intField(output));
      fill(requestsAt!, intField(requests));
      fill(seatAt!, microsField(seat));
      fill(descriptionAt!, person ? description(combo, person) : combo.unattributed);
      fillSegments(comboSegments, combo.segments);
      fillSegments(personSegments, (person ?? nobody).segments);
      const full = out.write(parts.join(""));
      if (full) yield full;
    }
  }
  const rest = out.flush();
  if (rest) yield rest;
}
