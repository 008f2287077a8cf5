/**
 * FOCUS 1.2 cost-and-usage CSV: one row per day × member × product × model × provider,
 * streamed from the daily rollup with keyset pagination on its primary key (bounded
 * memory: one small flat JSON page of rows at a time, focus-pages.ts, and 64 KB output blocks).
 * Allotment's dimensions ride in x_ columns, which the FOCUS import
 * (lib/ingest/adapters/file.ts) reads back: export → import round-trips per day × person ×
 * product × model × provider. Decimal columns always show a decimal point (token
 * quantities "1234.0"), and optional FOCUS columns without a value are not written
 * (focus-spec.ts FOCUS_EXPORT_COLUMNS).
 *
 * Every rollup row is one line, so this is the export whose speed is the row rate. The
 * column order comes from FOCUS_HEADER through a compiled plan: constant columns are
 * written once, and the cells that depend only on the day, the product/model/provider
 * combination or the person are pre-joined, with their neighbouring constants, into
 * segments cached per day / combination / person, encoded to UTF-8 once. A line is then
 * ~28 pieces (the numbers, the description and a handful of cached segments and constants)
 * written as bytes straight into the output block: no string is built per line, which
 * was most of the export's time (joining and encoding ~500 bytes of text and ten number
 * strings per line) and of its garbage.
 */
import "server-only";

import { Buffer } from "node:buffer";

import { addDays, dayStart, type Period } from "../core/period";
import type { Db } from "../server/db";
import {
  csvByteStream,
  isoSeconds,
  neutralizeCell,
  PUT_FIELD_MAX,
  putIntField,
  putMicrosField,
  textField,
  toBigIntValue,
  type IntValue,
} from "./csv";
import { flatRollupPages, ROW_WIDTH, type FlatRows } from "./focus-pages";
import { FOCUS_HEADER } from "./focus-spec";
import { openExportSource, type JsonSource } from "./json-read";
import { membersByIds } from "./rollup-reads";

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

/** A cached segment list, encoded: the pieces in plan order and their total length. */
interface Encoded {
  pieces: Uint8Array[];
  bytes: number;
}

function encoded(texts: string[]): Encoded {
  const pieces = texts.map((t) => Buffer.from(t, "utf8"));
  return { pieces, bytes: pieces.reduce((n, b) => n + b.length, 0) };
}

interface Person {
  /** the person group's segments, in plan order */
  segments: Encoded;
  /** " by <email>" when it can follow any description head unquoted, else null (see description) */
  byTail: Uint8Array | null;
  rawEmail: string;
}

interface Combo {
  /** product, model, provider */
  key: [string, string, string];
  segments: Encoded;
  describe: string;
  /** the neutralised description start when a safe tail may follow it unquoted, else null */
  head: Uint8Array | null;
  unattributed: Uint8Array;
}

/**
 * What a line is made of, in order: op codes and their arguments (compiled from the plan).
 * A constant's argument indexes the encoded constants, a segment's its group's segment list;
 * a row slot's op is the slot itself.
 */
const OP = {
  constant: 0,
  day: 1,
  combo: 2,
  person: 3,
  cost: 4,
  list: 5,
  credits: 6,
  tokens: 7,
  input: 8,
  cached: 9,
  output: 10,
  requests: 11,
  seat: 12,
  description: 13,
} as const satisfies Record<"constant" | Group | RowSlot, number>;

interface LineOps {
  codes: Uint8Array;
  args: Uint16Array;
  constants: Uint8Array[];
  /** the most bytes a line takes besides its segments and description */
  fixedBytes: number;
}

function lineOps(plan: Plan): LineOps {
  const n = plan.parts.length;
  const codes = new Uint8Array(n);
  const args = new Uint16Array(n);
  const known = new Array<boolean>(n).fill(false);
  let fixedBytes = 0;
  for (const slot of ROW_SLOTS)
    for (const at of plan.row[slot]) {
      codes[at] = OP[slot];
      known[at] = true;
      if (slot !== "description") fixedBytes += PUT_FIELD_MAX + 2; // tokens: ".0"
    }
  for (const group of Object.keys(GROUP_SLOTS) as Group[])
    plan.segments[group].forEach((s, i) => {
      codes[s.at] = OP[group];
      args[s.at] = i;
      known[s.at] = true;
    });
  const constants: Uint8Array[] = [];
  for (let at = 0; at < n; at++) {
    if (known[at]) continue;
    const bytes = Buffer.from(plan.parts[at]!, "utf8");
    codes[at] = OP.constant;
    args[at] = constants.length;
    constants.push(bytes);
    fixedBytes += bytes.length;
  }
  return { codes, args, constants, fixedBytes };
}

/** Copies `src` into `buf` at `off`; returns where it ends. */
function put(buf: Uint8Array, off: number, src: Uint8Array): number {
  const n = src.length;
  // a short piece byte by byte: TypedArray#set costs more than the copy below ~16 bytes
  if (n < 16) for (let i = 0; i < n; i++) buf[off + i] = src[i]!;
  else buf.set(src, off);
  return off + n;
}

/** Copies the bytes [from, to) of `buf`, earlier in the same line, to `off`; returns where they end. */
function copyWithin(buf: Uint8Array, off: number, from: number, to: number): number {
  for (let i = from; i < to; i++) buf[off++] = buf[i]!;
  return off;
}

/** Output block size: blocks this small are freed by the young-generation collector (csv.ts BlockWriter). */
const BLOCK_BYTES = 64 * 1024;

const QUOTE_INSIDE = /[",\r\n]/;
const SPACE_START = /^\s/;
const SPACE_END = /\s$/;

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
  const { codes, args, constants, fixedBytes } = lineOps(plan);
  const ops = codes.length;

  const days = new Map<string, Encoded>();
  const combos = new Map<string, Map<string, Map<string, Combo>>>(); // product → model → provider (a few dozen)
  const people = new Map<string, Person | null>();
  const nobody: Person = {
    segments: encoded(
      plan.segments.person.map((s) => render(s.cells, { email: "", name: "", costCenter: "" })),
    ),
    byTail: null,
    rawEmail: "",
  };

  const dayOf = (day: string): Encoded => {
    let d = days.get(day);
    if (!d) {
      const month = billingMonth(day);
      const values = {
        billingStart: isoSeconds(month.start),
        billingEnd: isoSeconds(month.end),
        chargeStart: isoSeconds(dayStart(day)),
        chargeEnd: isoSeconds(dayStart(addDays(day, 1))),
      };
      d = encoded(plan.segments.day.map((s) => render(s.cells, values)));
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
        key: [product, model, provider],
        segments: encoded(plan.segments.combo.map((s) => render(s.cells, values))),
        describe,
        head: QUOTE_INSIDE.test(head) || SPACE_START.test(head) ? null : Buffer.from(head, "utf8"),
        unattributed: Buffer.from(textField(`${describe} (unattributed)`), "utf8"),
      };
      byProvider.set(provider, c);
    }
    return c;
  };

  const personOf = (id: string, email: string, name: string, costCenter: string | null) => {
    const tail = ` by ${email}`;
    return {
      segments: encoded(
        plan.segments.person.map((s) =>
          render(s.cells, {
            email: textField(email),
            name: textField(name),
            costCenter: costCenter === null ? "" : textField(costCenter),
          }),
        ),
      ),
      byTail: QUOTE_INSIDE.test(tail) || SPACE_END.test(tail) ? null : Buffer.from(tail, "utf8"),
      rawEmail: email,
    };
  };
  /** Each row's person (nobody: unattributed, or no longer a member), looking up the people not seen yet. */
  const rowPeople: Person[] = [];
  const peopleOf = async (batch: FlatRows): Promise<Person[]> => {
    if (people.size > 50_000) people.clear(); // bounded on huge workspaces; refilled below
    const rows = batch.length / ROW_WIDTH;
    rowPeople.length = rows;
    const unknown: string[] = [];
    for (let pass = 0; pass < 2; pass++) {
      let previous: string | null = null;
      let person: Person | null | undefined = nobody;
      for (let i = 0; i < rows; i++) {
        const key = batch[i * ROW_WIDTH + 1] as string;
        if (key !== previous) {
          // a member's rows of a day are adjacent (key order)
          previous = key;
          person = key ? people.get(key) : nobody;
          if (person === undefined) {
            people.set(key, null);
            unknown.push(key);
          }
        }
        rowPeople[i] = person ?? nobody;
      }
      if (!unknown.length) break;
      for (const [id, email, name, costCenter] of await membersByIds(src, workspace.id, unknown))
        people.set(id, personOf(id, email, name, costCenter));
      unknown.length = 0; // the second pass finds them all
    }
    return rowPeople;
  };

  // Lines are written as bytes straight into the output block: the cached pieces are copied,
  // the numbers written digit by digit (csv.ts putMicrosField / putIntField), so a line makes
  // no string. A block is handed out when the next line might not fit (lines never straddle
  // blocks) and a new one started.
  let buf = Buffer.allocUnsafe(BLOCK_BYTES);
  let off = 0;
  for await (const batch of flatRollupPages(src, workspace.id, period, chunkSize)) {
    const persons = await peopleOf(batch);
    let day = "";
    let daySegments = nobody.segments;
    let combo: Combo | null = null;
    let row = 0;
    for (let at = 0; at < batch.length; at += ROW_WIDTH) {
      const rowDay = batch[at] as string;
      const product = batch[at + 2] as string;
      const model = batch[at + 3] as string;
      const provider = batch[at + 4] as string;
      const cost = batch[at + 5]!;
      const estimated = batch[at + 6]!;
      const credits = batch[at + 7]!;
      const input = batch[at + 8]!;
      const cached = batch[at + 9]!;
      const output = batch[at + 10]!;
      const requests = batch[at + 11]!;
      const seat = batch[at + 12]!;
      if (rowDay !== day) {
        day = rowDay;
        daySegments = dayOf(day);
      }
      // neighbouring rows often share the combination: three string compares instead of three lookups
      if (
        combo === null ||
        product !== combo.key[0] ||
        model !== combo.key[1] ||
        provider !== combo.key[2]
      )
        combo = comboOf(product, model, provider);
      const person = persons[row++]!;
      // the description is textField(`${describe} by ${email}`); it needs no scan of the joined
      // text per line: the description never starts with the email, so neutralising depends on
      // the head only, and it needs quotes only if either part holds a quote/comma/line break,
      // the head starts or the email ends with a space. Anything else takes the general path.
      let head: Uint8Array | null = combo.unattributed;
      let tail: Uint8Array | null = null;
      if (person !== nobody) {
        if (combo.head !== null && person.byTail !== null) {
          head = combo.head;
          tail = person.byTail;
        } else head = Buffer.from(textField(`${combo.describe} by ${person.rawEmail}`), "utf8");
      }
      const need =
        fixedBytes +
        daySegments.bytes +
        combo.segments.bytes +
        person.segments.bytes +
        head.length +
        (tail ? tail.length : 0);
      if (off + need > buf.length) {
        if (off) yield buf.subarray(0, off);
        buf = Buffer.allocUnsafe(Math.max(BLOCK_BYTES, need));
        off = 0;
      }
      const tokens = addInt(input, output);
      // the cost (three columns) and the token quantity (two) are written once per line, then copied
      let costAt = -1;
      let costEnd = 0;
      let tokensAt = -1;
      let tokensEnd = 0;
      for (let k = 0; k < ops; k++) {
        const a = args[k]!;
        switch (codes[k]) {
          case OP.constant:
            off = put(buf, off, constants[a]!);
            break;
          case OP.day:
            off = put(buf, off, daySegments.pieces[a]!);
            break;
          case OP.combo:
            off = put(buf, off, combo.segments.pieces[a]!);
            break;
          case OP.person:
            off = put(buf, off, person.segments.pieces[a]!);
            break;
          case OP.cost:
            if (costAt < 0) {
              costAt = off;
              off = costEnd = putMicrosField(buf, off, cost);
            } else off = copyWithin(buf, off, costAt, costEnd);
            break;
          case OP.list:
            off = putMicrosField(buf, off, estimated);
            break;
          case OP.credits:
            off = putMicrosField(buf, off, credits);
            break;
          case OP.tokens:
            // a FOCUS Decimal column: "1234.0", never integer-only text (focus-validate.ts)
            if (tokensAt < 0) {
              tokensAt = off;
              off = putIntField(buf, off, tokens);
              buf[off++] = 46; // .
              buf[off++] = 48; // 0
              tokensEnd = off;
            } else off = copyWithin(buf, off, tokensAt, tokensEnd);
            break;
          case OP.input:
            off = putIntField(buf, off, input);
            break;
          case OP.cached:
            off = putIntField(buf, off, cached);
            break;
          case OP.output:
            off = putIntField(buf, off, output);
            break;
          case OP.requests:
            off = putIntField(buf, off, requests);
            break;
          case OP.seat:
            off = putMicrosField(buf, off, seat);
            break;
          case OP.description:
            off = put(buf, off, head);
            if (tail) off = put(buf, off, tail);
            break;
        }
      }
    }
  }
  if (off) yield buf.subarray(0, off);
}
