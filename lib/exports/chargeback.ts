/**
 * Chargeback rows for a period: spend grouped by any combination of cost center, group,
 * member, product, model and provider, read from the daily rollup (the same rows every
 * dashboard sums, so totals agree to the micro-unit).
 *
 * Attribution rules (also in README "Exports"):
 * - spend is charged once, to the member's PRIMARY cost center (Member.costCenter);
 * - grouped by group, a member counts in one group only: the group whose cost center equals
 *   the member's cost center, else the first of their groups by name; "(no group)" if none;
 * - spend of no known member (shared keys, deleted people) is one "(unattributed)" row per
 *   remaining grouping.
 *
 * Memory is bounded: members are read in keyset-paginated chunks and the rollup is summed
 * over the matching memberKey range in SQL (one JSON document per chunk, rollup-reads.ts);
 * with "member" among the dimensions each chunk's rows are final and are yielded at once,
 * otherwise rows accumulate per grouping key (cost centers × products × …, small by nature).
 */
import "server-only";
import type { Db } from "../db";
import type { Period } from "../period";
import type { UsageSums } from "../usage-sums";
import { toBigIntValue, type IntValue } from "./csv";
import { openExportSource, type JsonSource } from "./json-read";
import { canonicalDimensions, type Dimension } from "./params";
import { memberPage, membershipsInRange, sumsByMemberRange, type KeyedSumsTuple, type Sums7 } from "./rollup-reads";

export const UNATTRIBUTED = "(unattributed)";
export const NO_COST_CENTER = "(no cost center)";
export const NO_GROUP = "(no group)";


export interface ChargebackRow extends UsageSums {
  costCenter: string;
  group: string;
  memberEmail: string;
  memberName: string;
  product: string;
  model: string;
  provider: string;
}

interface Person {
  email: string;
  name: string;
  costCenter: string;
  group: string;
}

/** The one group a member's spend is shown under (see the header comment). */
export function primaryGroup(costCenter: string | null, groups: readonly { name: string; costCenter: string }[]): string {
  if (groups.length === 0) return NO_GROUP;
  const sorted = [...groups].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return (sorted.find((g) => costCenter !== null && g.costCenter === costCenter) ?? sorted[0]!).name;
}


/**
 * A chargeback row as the reads produce it: text dimensions and exact integer sums in
 * SUM_COLUMNS order (cost, estimated, credits, input, cached, output, requests). The CSV
 * formats these directly; chargebackChunks turns them into ChargebackRow.
 */
export interface ChargebackTextRow {
  costCenter: string;
  group: string;
  memberEmail: string;
  memberName: string;
  product: string;
  model: string;
  provider: string;
  sums: IntValue[];
}

function rowKey(r: ChargebackTextRow): string {
  return [r.costCenter, r.group, r.memberEmail, r.product, r.model, r.provider].join("\u0000");
}

function isUnattributed(r: ChargebackTextRow): number {
  return r.costCenter === UNATTRIBUTED || r.memberEmail === UNATTRIBUTED ? 1 : 0;
}

/** Stable file order: by grouping values, unattributed rows last whatever their text sorts as. */
function sortRows(rows: ChargebackTextRow[]): ChargebackTextRow[] {
  const keyed = rows.map((r) => ({ r, u: isUnattributed(r), k: rowKey(r) }));
  keyed.sort((a, b) => a.u - b.u || (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
  return keyed.map((x) => x.r);
}

/** Rows whose sums need adding up in JS (groupings without the member, and the unattributed tail). */
class Accumulator {
  private readonly rows = new Map<string, { row: ChargebackTextRow; sums: bigint[] }>();
  add(row: ChargebackTextRow): void {
    const key = rowKey(row);
    const e = this.rows.get(key);
    if (!e) {
      this.rows.set(key, { row, sums: row.sums.map(toBigIntValue) });
      return;
    }
    for (let i = 0; i < e.sums.length; i++) e.sums[i]! += toBigIntValue(row.sums[i]!);
  }
  get size(): number {
    return this.rows.size;
  }
  drain(): ChargebackTextRow[] {
    const out = [...this.rows.values()].map(({ row, sums }) => ({ ...row, sums }));
    this.rows.clear();
    return sortRows(out);
  }
}

export interface ChargebackOptions {
  workspaceId: string;
  period: Period;
  dimensions: readonly Dimension[];
  /** members per database round trip */
  chunkSize?: number;
}

/**
 * Yields chargeback rows in chunks (text dimensions, exact integer sums). Only the chosen
 * dimensions carry values; the others are "" (the CSV leaves those columns out).
 */
export async function* chargebackTextChunks(db: Db, opts: ChargebackOptions): AsyncGenerator<ChargebackTextRow[]> {
  const src = await openExportSource(db);
  try {
    yield* chunksFrom(src, opts);
  } finally {
    src.close();
  }
}

async function* chunksFrom(src: JsonSource, opts: ChargebackOptions): AsyncGenerator<ChargebackTextRow[]> {
  const dims = new Set(canonicalDimensions(opts.dimensions));
  // members per chunk (a chunk's rows are sorted by grouping values, so this also sets the
  // file's order): 500 keep a chunk's rows young enough that the heap stays flat
  const chunkSize = opts.chunkSize ?? 500;
  const byMember = dims.has("member");
  const split = { product: dims.has("product"), model: dims.has("model"), provider: dims.has("provider") };
  const totals = new Accumulator();
  // unattributed = memberKey "" or the key of someone no longer a member; collected on the way
  const tail = byMember ? new Accumulator() : totals;

  const shape = (person: Person | null, t: KeyedSumsTuple): ChargebackTextRow => ({
    costCenter: dims.has("cost_center") ? (person ? person.costCenter : UNATTRIBUTED) : "",
    group: dims.has("group") ? (person ? person.group : UNATTRIBUTED) : "",
    memberEmail: byMember ? (person ? person.email : UNATTRIBUTED) : "",
    memberName: byMember ? (person ? person.name : "") : "",
    product: t[1],
    model: t[2],
    provider: t[3],
    sums: t.slice(4) as Sums7,
  });

  let cursor = "";
  for (;;) {
    const members = await memberPage(src, opts.workspaceId, cursor, chunkSize);
    if (members.length === 0) break;
    const after = cursor;
    cursor = members[members.length - 1]![0];
    const groups = new Map<string, { name: string; costCenter: string }[]>();
    if (dims.has("group")) {
      for (const [memberId, name, costCenter] of await membershipsInRange(src, opts.workspaceId, after, cursor)) {
        (groups.get(memberId) ?? groups.set(memberId, []).get(memberId)!).push({ name, costCenter });
      }
    }
    const people = new Map<string, Person>(
      members.map(([id, email, name, costCenter]) => [
        id,
        { email, name, costCenter: costCenter ?? NO_COST_CENTER, group: dims.has("group") ? primaryGroup(costCenter, groups.get(id) ?? []) : "" },
      ]),
    );
    // one index range per chunk: every memberKey in (after, cursor], members and orphans alike
    const rows: ChargebackTextRow[] = [];
    for (const t of await sumsByMemberRange(src, opts.workspaceId, opts.period, after, cursor, split)) {
      const person = people.get(t[0]);
      if (!person) tail.add(shape(null, t));
      else if (byMember) rows.push(shape(person, t)); // memberKey + split dims = the row's whole key: final
      else totals.add(shape(person, t));
    }
    if (rows.length) yield sortRows(rows);
    if (members.length < chunkSize) break;
  }
  for (const t of await sumsByMemberRange(src, opts.workspaceId, opts.period, cursor, null, split)) tail.add(shape(null, t));
  for (const t of await sumsByMemberRange(src, opts.workspaceId, opts.period, null, null, split)) tail.add(shape(null, t));

  const rest = totals.drain();
  for (let i = 0; i < rest.length; i += chunkSize) yield rest.slice(i, i + chunkSize);
  if (byMember && tail.size) yield tail.drain();
}

/** The same chunks as ChargebackRow (bigint sums): the preview and tests read these. */
export async function* chargebackChunks(db: Db, opts: ChargebackOptions): AsyncGenerator<ChargebackRow[]> {
  for await (const chunk of chargebackTextChunks(db, opts)) {
    yield chunk.map(({ sums, ...dims }) => {
      const [costMicros, estimatedCostMicros, creditsMicros, inputTokens, cachedInputTokens, outputTokens, requests] = sums.map(toBigIntValue) as [bigint, bigint, bigint, bigint, bigint, bigint, bigint];
      return { ...dims, costMicros, estimatedCostMicros, creditsMicros, inputTokens, cachedInputTokens, outputTokens, requests };
    });
  }
}
