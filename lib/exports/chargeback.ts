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
 * Memory is bounded: members are read in keyset-paginated chunks; with "member" among the
 * dimensions each chunk's rows are final and are yielded at once, otherwise rows
 * accumulate per grouping key (cost centers × products × …, small by nature).
 */
import "server-only";
import type { Db } from "../db";
import type { Period } from "../period";
import { canonicalDimensions, type Dimension } from "./params";
import { sumsByMemberRange, sumsUnattributed, type RollupKeyed } from "./rollup-reads";

export const UNATTRIBUTED = "(unattributed)";
export const NO_COST_CENTER = "(no cost center)";
export const NO_GROUP = "(no group)";

export interface ChargebackSums {
  costMicros: bigint;
  estimatedCostMicros: bigint;
  creditsMicros: bigint;
  inputTokens: bigint;
  cachedInputTokens: bigint;
  outputTokens: bigint;
  requests: bigint;
}

export interface ChargebackRow extends ChargebackSums {
  costCenter: string;
  group: string;
  memberEmail: string;
  memberName: string;
  product: string;
  model: string;
  provider: string;
}

export function zeroSums(): ChargebackSums {
  return { costMicros: 0n, estimatedCostMicros: 0n, creditsMicros: 0n, inputTokens: 0n, cachedInputTokens: 0n, outputTokens: 0n, requests: 0n };
}

export function addSums(into: ChargebackSums, v: ChargebackSums): void {
  into.costMicros += v.costMicros;
  into.estimatedCostMicros += v.estimatedCostMicros;
  into.creditsMicros += v.creditsMicros;
  into.inputTokens += v.inputTokens;
  into.cachedInputTokens += v.cachedInputTokens;
  into.outputTokens += v.outputTokens;
  into.requests += v.requests;
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


type RollupDim = "product" | "model" | "provider";


function rowKey(r: ChargebackRow): string {
  return [r.costCenter, r.group, r.memberEmail, r.product, r.model, r.provider].join("\u0000");
}

function compareRows(a: ChargebackRow, b: ChargebackRow): number {
  const ka = rowKey(a);
  const kb = rowKey(b);
  // unattributed rows last, whatever their text sorts as
  const ua = a.costCenter === UNATTRIBUTED || a.memberEmail === UNATTRIBUTED ? 1 : 0;
  const ub = b.costCenter === UNATTRIBUTED || b.memberEmail === UNATTRIBUTED ? 1 : 0;
  if (ua !== ub) return ua - ub;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

export interface ChargebackOptions {
  workspaceId: string;
  period: Period;
  dimensions: readonly Dimension[];
  /** members per database round trip */
  chunkSize?: number;
}

/**
 * Yields chargeback rows in chunks. Only the chosen dimensions carry values; the others
 * are "" (the CSV leaves those columns out).
 */
export async function* chargebackChunks(db: Db, opts: ChargebackOptions): AsyncGenerator<ChargebackRow[]> {
  const dims = new Set(canonicalDimensions(opts.dimensions));
  const chunkSize = opts.chunkSize ?? 1000;
  const byMember = dims.has("member");
  const accumulated = new Map<string, ChargebackRow>();

  const shape = (person: Person | null, dimsRow: Partial<Record<RollupDim, string>>, sums: ChargebackSums): ChargebackRow => ({
    costCenter: dims.has("cost_center") ? (person ? person.costCenter : UNATTRIBUTED) : "",
    group: dims.has("group") ? (person ? person.group : UNATTRIBUTED) : "",
    memberEmail: byMember ? (person ? person.email : UNATTRIBUTED) : "",
    memberName: byMember ? (person ? person.name : "") : "",
    product: dims.has("product") ? (dimsRow.product ?? "") : "",
    model: dims.has("model") ? (dimsRow.model ?? "") : "",
    provider: dims.has("provider") ? (dimsRow.provider ?? "") : "",
    costMicros: sums.costMicros,
    estimatedCostMicros: sums.estimatedCostMicros,
    creditsMicros: sums.creditsMicros,
    inputTokens: sums.inputTokens,
    cachedInputTokens: sums.cachedInputTokens,
    outputTokens: sums.outputTokens,
    requests: sums.requests,
  });

  const accumulate = (row: ChargebackRow) => {
    const key = rowKey(row);
    const existing = accumulated.get(key);
    if (existing) addSums(existing, row);
    else accumulated.set(key, row);
  };

  // Unattributed = memberKey "" or the key of someone no longer a member; collected on the way.
  const tail = new Map<string, ChargebackRow>();
  const addTail = (r: RollupKeyed) => {
    const row = shape(null, r, r);
    if (!byMember) return accumulate(row);
    const k = rowKey(row);
    const e = tail.get(k);
    if (e) addSums(e, row);
    else tail.set(k, row);
  };

  let cursor = "";
  for (;;) {
    const members = await db.member.findMany({
      where: { workspaceId: opts.workspaceId, id: { gt: cursor } },
      orderBy: { id: "asc" },
      take: chunkSize,
      select: { id: true, email: true, name: true, costCenter: true, groups: { select: { group: { select: { name: true, costCenter: true } } } } },
    });
    if (members.length === 0) break;
    const after = cursor;
    cursor = members[members.length - 1]!.id;
    const people = new Map<string, Person>(
      members.map((m) => [
        m.id,
        { email: m.email, name: m.name, costCenter: m.costCenter ?? NO_COST_CENTER, group: dims.has("group") ? primaryGroup(m.costCenter, m.groups.map((g) => g.group)) : "" },
      ]),
    );
    // one index range per chunk: every memberKey in (after, cursor], members and orphans alike
    const sums = await sumsByMemberRange(db, opts.workspaceId, opts.period, after, cursor);
    const merged = new Map<string, ChargebackRow>();
    for (const s of sums) {
      const person = people.get(s.memberKey);
      if (!person) {
        addTail(s);
        continue;
      }
      const r = shape(person, s, s);
      if (!byMember) {
        accumulate(r);
        continue;
      }
      const k = rowKey(r);
      const e = merged.get(k);
      if (e) addSums(e, r);
      else merged.set(k, r);
    }
    if (byMember && merged.size) yield [...merged.values()].sort(compareRows);
    if (members.length < chunkSize) break;
  }
  for (const s of await sumsByMemberRange(db, opts.workspaceId, opts.period, cursor, null)) addTail(s);
  for (const s of await sumsUnattributed(db, opts.workspaceId, opts.period)) addTail(s);

  if (!byMember) {
    const all = [...accumulated.values()].sort(compareRows);
    for (let i = 0; i < all.length; i += chunkSize) yield all.slice(i, i + chunkSize);
  } else if (tail.size) {
    yield [...tail.values()].sort(compareRows);
  }
}
