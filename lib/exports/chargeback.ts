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
 * Memory is bounded: members are read in chunks and the rollups are summed per chunk in SQL
 * (one JSON document per chunk, rollup-reads.ts; a period's whole months from the month
 * tables, see periodPieces). With "member" among the dimensions, people come in file order
 * (cost center, then email: their ids are read once, ~30 bytes a person, then each chunk's
 * people by id) and each chunk's rows are final and yielded at once; otherwise chunks are
 * keyset-paginated member-id ranges and rows accumulate per grouping key (cost centers ×
 * products × …, small by nature).
 */
import "server-only";

import type { Period } from "../core/period";
import type { UsageSums } from "../core/usage-sums";
import type { Db } from "../server/db";
import { toBigIntValue, type IntValue } from "./csv";
import { openExportSource, type JsonSource } from "./json-read";
import { canonicalDimensions, type ChargebackDimension } from "./params";
import {
  memberIdsInFileOrder,
  memberPage,
  membersByIds,
  membershipsInRange,
  membershipsOfIds,
  orphanMemberKeys,
  sumsByMemberIds,
  sumsByMemberRange,
  type ExportSums,
  type KeyedSumsTuple,
} from "./rollup-reads";

export const UNATTRIBUTED = "(unattributed)";
export const NO_COST_CENTER = "(no cost center)";
export const NO_GROUP = "(no group)";

/** The grouping columns of a chargeback row ("" for a dimension that is not chosen). */
export interface ChargebackDims {
  costCenter: string;
  group: string;
  memberEmail: string;
  memberName: string;
  product: string;
  model: string;
  provider: string;
}

export interface ChargebackRow extends ChargebackDims, UsageSums {
  /** Claude Code seat plans: the provider's estimate, micro-USD — not billed, its own column */
  seatEstimateMicros: bigint;
}

interface Person {
  email: string;
  name: string;
  costCenter: string;
  group: string;
}

/** The one group a member's spend is shown under (see the header comment). */
export function primaryGroup(
  costCenter: string | null,
  groups: readonly { name: string; costCenter: string }[],
): string {
  if (groups.length === 0) return NO_GROUP;
  const sorted = [...groups].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return (sorted.find((g) => costCenter !== null && g.costCenter === costCenter) ?? sorted[0]!)
    .name;
}

/**
 * A chargeback row as the reads produce it: text dimensions and exact integer sums in
 * SUM_COLUMNS order (cost, estimated, credits, input, cached, output, requests, seat estimate). The CSV
 * formats these directly; chargebackChunks turns them into ChargebackRow.
 */
export interface ChargebackTextRow extends ChargebackDims {
  sums: IntValue[];
}

function rowKey(r: ChargebackTextRow): string {
  return [r.costCenter, r.group, r.memberEmail, r.product, r.model, r.provider].join("\u0000");
}

function isUnattributed(r: ChargebackTextRow): number {
  return r.costCenter === UNATTRIBUTED || r.group === UNATTRIBUTED || r.memberEmail === UNATTRIBUTED
    ? 1
    : 0;
}

/** A by-member file's order: cost center (when a column), then person; the memberIdsInFileOrder order. */
function personKey(r: ChargebackTextRow): string {
  return [r.costCenter, r.memberEmail, r.product, r.model, r.provider].join("\u0000");
}

/** Stable file order: by grouping values, unattributed rows last whatever their text sorts as. */
function sortRows(
  rows: ChargebackTextRow[],
  key: (r: ChargebackTextRow) => string = rowKey,
): ChargebackTextRow[] {
  const keyed = rows.map((r) => ({ r, u: isUnattributed(r), k: key(r) }));
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
  dimensions: readonly ChargebackDimension[];
  /** members per database round trip */
  chunkSize?: number;
}

/**
 * Yields chargeback rows in chunks (text dimensions, exact integer sums). Only the chosen
 * dimensions carry values; the others are "" (the CSV leaves those columns out).
 */
export async function* chargebackTextChunks(
  db: Db,
  opts: ChargebackOptions,
): AsyncGenerator<ChargebackTextRow[]> {
  const src = await openExportSource(db);
  try {
    yield* chunksFrom(src, opts);
  } finally {
    src.close();
  }
}

async function* chunksFrom(
  src: JsonSource,
  opts: ChargebackOptions,
): AsyncGenerator<ChargebackTextRow[]> {
  const dims = new Set(canonicalDimensions(opts.dimensions));
  const byMember = dims.has("member");
  // members per chunk: small enough that a chunk's rows die young and the heap stays flat
  // (a by-member chunk also holds its rows' text until it is sorted and written)
  const chunkSize = opts.chunkSize ?? (byMember ? 250 : 500);
  const split = {
    product: dims.has("product"),
    model: dims.has("model"),
    provider: dims.has("provider"),
  };
  const totals = new Accumulator();
  // by member: unattributed = memberKey "" or the key of someone no longer a member, last
  const tail = new Accumulator();

  const shape = (person: Person | null, t: KeyedSumsTuple): ChargebackTextRow => ({
    costCenter: dims.has("cost_center") ? (person ? person.costCenter : UNATTRIBUTED) : "",
    group: dims.has("group") ? (person ? person.group : UNATTRIBUTED) : "",
    memberEmail: byMember ? (person ? person.email : UNATTRIBUTED) : "",
    memberName: byMember ? (person ? person.name : "") : "",
    product: t[1],
    model: t[2],
    provider: t[3],
    sums: t.slice(4) as ExportSums,
  });

  const personOf = (
    id: string,
    email: string,
    name: string,
    costCenter: string | null,
    groups: Map<string, { name: string; costCenter: string }[]>,
  ): Person => ({
    email,
    name,
    costCenter: costCenter ?? NO_COST_CENTER,
    group: dims.has("group") ? primaryGroup(costCenter, groups.get(id) ?? []) : "",
  });
  const groupsOf = (memberships: readonly [string, string, string][]) => {
    const groups = new Map<string, { name: string; costCenter: string }[]>();
    for (const [memberId, name, costCenter] of memberships)
      (groups.get(memberId) ?? groups.set(memberId, []).get(memberId)!).push({ name, costCenter });
    return groups;
  };

  if (byMember) {
    // One file-ordered chunk of people at a time (cost center, then email), their sums read
    // by id: every chunk's rows are final and the chunks follow each other in file order.
    const order = await memberIdsInFileOrder(
      src,
      opts.workspaceId,
      dims.has("cost_center"),
      NO_COST_CENTER,
    );
    for (let i = 0; i < order.length; i += chunkSize) {
      // people deleted since the order was read are left out here and unattributed below
      const found = await membersByIds(src, opts.workspaceId, order.slice(i, i + chunkSize));
      const ids = found.map((m) => m[0]);
      const groups = dims.has("group")
        ? groupsOf(await membershipsOfIds(src, opts.workspaceId, ids))
        : new Map<string, { name: string; costCenter: string }[]>();
      const people = new Map(
        found.map(([id, email, name, costCenter]) => [
          id,
          personOf(id, email, name, costCenter, groups),
        ]),
      );
      const rows = (await sumsByMemberIds(src, opts.workspaceId, opts.period, ids, split)).map(
        (t) => shape(people.get(t[0])!, t),
      );
      if (rows.length) yield sortRows(rows, personKey);
    }
    // "" and people deleted since: the unattributed rows, last
    for (const t of await sumsByMemberIds(
      src,
      opts.workspaceId,
      opts.period,
      await orphanMemberKeys(src, opts.workspaceId, opts.period),
      split,
    ))
      tail.add(shape(null, t));
    if (tail.size) yield tail.drain();
    return;
  }

  let cursor = "";
  for (;;) {
    const members = await memberPage(src, opts.workspaceId, cursor, chunkSize);
    if (members.length === 0) break;
    const after = cursor;
    cursor = members[members.length - 1]![0];
    const groups = dims.has("group")
      ? groupsOf(await membershipsInRange(src, opts.workspaceId, after, cursor))
      : new Map<string, { name: string; costCenter: string }[]>();
    const people = new Map(
      members.map(([id, email, name, costCenter]) => [
        id,
        personOf(id, email, name, costCenter, groups),
      ]),
    );
    // one index range per chunk: every memberKey in (after, cursor], members and orphans alike
    for (const t of await sumsByMemberRange(
      src,
      opts.workspaceId,
      opts.period,
      after,
      cursor,
      split,
    )) {
      const person = people.get(t[0]);
      totals.add(shape(person ?? null, t));
    }
    if (members.length < chunkSize) break;
  }
  for (const t of await sumsByMemberRange(src, opts.workspaceId, opts.period, cursor, null, split))
    totals.add(shape(null, t));
  for (const t of await sumsByMemberRange(src, opts.workspaceId, opts.period, null, null, split))
    totals.add(shape(null, t));

  const rest = totals.drain();
  for (let i = 0; i < rest.length; i += chunkSize) yield rest.slice(i, i + chunkSize);
}

/** The same chunks as ChargebackRow (bigint sums): the preview and tests read these. */
export async function* chargebackChunks(
  db: Db,
  opts: ChargebackOptions,
): AsyncGenerator<ChargebackRow[]> {
  for await (const chunk of chargebackTextChunks(db, opts)) {
    yield chunk.map(({ sums, ...dims }) => {
      const [
        costMicros,
        estimatedCostMicros,
        creditsMicros,
        inputTokens,
        cachedInputTokens,
        outputTokens,
        requests,
        seatEstimateMicros,
      ] = sums.map(toBigIntValue) as [
        bigint,
        bigint,
        bigint,
        bigint,
        bigint,
        bigint,
        bigint,
        bigint,
      ];
      return {
        ...dims,
        costMicros,
        estimatedCostMicros,
        creditsMicros,
        inputTokens,
        cachedInputTokens,
        outputTokens,
        requests,
        seatEstimateMicros,
      };
    });
  }
}
