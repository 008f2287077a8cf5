/**
 * Writes one page of usage rows idempotently: rows are matched on the natural key, new
 * ones inserted, changed ones replaced, identical ones left alone, and rows of the page's
 * complete days that the provider no longer reports are removed. Rollups of every touched
 * day are rebuilt in the same transaction. An incremental sync writes one page per
 * transaction; a first load or a backfill writes many (writeUsagePages) with the same result.
 */
import { usdToCredits } from "../core/money";
import { rebuildDailyRollups } from "../rollups/rebuild-days";
import { engineOf, type Tx } from "../server/db";
import { chunks, inList } from "../server/sql";
import { identityKey, type IdentityResolver } from "./identities";
import type { UsagePage } from "./types";
import {
  loadUsageRows,
  upsertUsageTuples,
  type ExistingUsage,
  type UsageTuple,
} from "./usage-bulk-sql";

export interface WriteCounts {
  read: number;
  inserted: number;
  updated: number;
  unchanged: number;
  removed: number;
}

export interface WriteTarget {
  workspaceId: string;
  connectionId: string;
  runId: string;
  usdPerCreditMicros: bigint;
  resolver: IdentityResolver;
}

// tuple positions (see USAGE_COLUMNS)
const DAY = 2,
  PROVIDER = 3,
  MEMBER = 5,
  FIRST_SUM = 14,
  LAST_SUM = 23,
  UNPRICED = 24;

function naturalKey(parts: string[]): string {
  return parts.join("\u0001");
}

/** Rows above which a write is a bulk batch (PostgreSQL work memory, below). */
const BIG_BATCH = 5_000;
const BULK_WORK_MEM = "256MB";

function byDay(a: UsageTuple, b: UsageTuple): number {
  return a[DAY] < b[DAY] ? -1 : a[DAY] > b[DAY] ? 1 : 0;
}

function sameValues(old: ExistingUsage, t: UsageTuple): boolean {
  if (
    old.provider !== t[PROVIDER] ||
    old.memberId !== t[MEMBER] ||
    old.unpriced !== (t[UNPRICED] === 1)
  )
    return false;
  for (let i = FIRST_SUM; i <= LAST_SUM; i++) if (old.sums[i - FIRST_SUM] !== t[i]) return false;
  return true;
}

/** One page: today's incremental path (a page per transaction). */
export async function writeUsagePage(
  tx: Tx,
  target: WriteTarget,
  page: UsagePage,
): Promise<WriteCounts> {
  return writeUsagePages(tx, target, [page]);
}

/** A page's rows as tuples by natural key; a key reported twice in one page is summed. */
async function pageTuples(
  tx: Tx,
  target: WriteTarget,
  page: UsagePage,
): Promise<Map<string, UsageTuple>> {
  const incoming = new Map<string, UsageTuple>();
  for (const row of page.rows) {
    const idKey = identityKey(row.identity);
    const tier = row.serviceTier ?? "",
      context = row.contextWindow ?? "",
      geo = row.inferenceGeo ?? "";
    const key = naturalKey([
      row.day,
      idKey,
      row.product,
      row.model,
      row.project,
      row.apiKey,
      row.lineItem,
      tier,
      context,
      geo,
    ]);
    const memberId = await target.resolver.resolveRow(tx, row);
    const credits = row.creditsMicros ?? usdToCredits(row.costMicros, target.usdPerCreditMicros);
    const seat = row.seatEstimateMicros ?? 0n;
    const tuple: UsageTuple = [
      target.workspaceId,
      target.connectionId,
      row.day,
      row.provider,
      idKey,
      memberId,
      row.product,
      row.model,
      row.project,
      row.apiKey,
      row.lineItem,
      tier,
      context,
      geo,
      row.inputTokens,
      row.cachedInputTokens,
      row.cacheWriteTokens ?? 0n,
      row.outputTokens,
      row.requests,
      row.estimatedCostMicros,
      row.costMicros,
      credits,
      seat,
      seat === 0n ? 0n : usdToCredits(seat, target.usdPerCreditMicros),
      row.unpriced ? 1 : 0,
      target.runId,
    ];
    const prev = incoming.get(key);
    if (prev) {
      // A provider may report the same key twice in one page (e.g. split buckets): add them up.
      for (let i = FIRST_SUM; i <= LAST_SUM; i++) (prev[i] as bigint) += tuple[i] as bigint;
      prev[UNPRICED] = prev[UNPRICED] || tuple[UNPRICED];
    } else incoming.set(key, tuple);
  }
  return incoming;
}

/**
 * Several pages in one transaction (the bulk path of a first load or a backfill), with the
 * rows and rollups that writing them one page at a time would leave: the pages are first
 * laid over each other in memory as the page-by-page path would lay them over the table
 * (a later page's row replaces an earlier one's of the same key; a page's complete days drop
 * the earlier rows of those days it does not restate), then the result is written against
 * the table once, sorted by natural key, and the rollups of the touched days rebuilt once.
 */
export async function writeUsagePages(
  tx: Tx,
  target: WriteTarget,
  pages: UsagePage[],
): Promise<WriteCounts> {
  const engine = engineOf(tx);
  const incoming = new Map<string, UsageTuple>();
  const keysByDay = new Map<string, Set<string>>();
  const completeDays = new Set<string>();
  let read = 0;
  for (const page of pages) {
    read += page.rows.length;
    const rows = await pageTuples(tx, target, page);
    for (const day of page.completeDays) {
      completeDays.add(day);
      for (const key of keysByDay.get(day) ?? []) incoming.delete(key);
      keysByDay.delete(day);
    }
    for (const [key, tuple] of rows) {
      incoming.set(key, tuple);
      let keys = keysByDay.get(tuple[DAY]);
      if (!keys) keysByDay.set(tuple[DAY], (keys = new Set()));
      keys.add(key);
    }
  }

  const days = [...new Set([...completeDays, ...keysByDay.keys()])].sort();
  const existing = days.length ? await loadUsageRows(tx, engine, target.connectionId, days) : [];

  const counts: WriteCounts = {
    read,
    inserted: 0,
    updated: 0,
    unchanged: 0,
    removed: 0,
  };
  const toWrite: UsageTuple[] = [];
  const seen = new Set<string>();
  const staleIds: number[] = [];
  for (const old of existing) {
    const key = naturalKey([
      old.day,
      old.identityKey,
      old.product,
      old.model,
      old.project,
      old.apiKey,
      old.lineItem,
      old.serviceTier,
      old.contextWindow,
      old.inferenceGeo,
    ]);
    const next = incoming.get(key);
    if (!next) {
      if (completeDays.has(old.day)) staleIds.push(old.id);
      continue;
    }
    seen.add(key);
    if (sameValues(old, next)) counts.unchanged++;
    else {
      counts.updated++;
      toWrite.push(next);
    }
  }
  for (const [key, tuple] of incoming) {
    if (seen.has(key)) continue;
    counts.inserted++;
    toWrite.push(tuple);
  }
  // day by day (the natural key's first column after the connection), each day's rows in the
  // provider's order: the unique index is filled day by day instead of at random, which is
  // as fast as a full sort by natural key (measured) without its comparisons
  toWrite.sort(byDay);

  if (toWrite.length) await upsertUsageTuples(tx, toWrite);
  for (const batch of chunks(staleIds, 500)) {
    await tx.$executeRawUnsafe(
      `DELETE FROM "UsageRecord" WHERE "id" IN ${inList(engine, batch.length)}`,
      ...batch,
    );
  }
  counts.removed = staleIds.length;

  if (toWrite.length || staleIds.length) {
    const touched = new Set<string>(staleIds.length ? days : []);
    for (const t of toWrite) touched.add(t[DAY]);
    // a bulk batch's rollup GROUP BYs hash ~100,000 rows: with PostgreSQL's default 4 MB of
    // work memory they spill to disk in batches (measured: 21 on 55,000 rows), so this
    // transaction may use more
    if (engine === "postgres" && toWrite.length > BIG_BATCH)
      await tx.$executeRawUnsafe(`SET LOCAL work_mem = '${BULK_WORK_MEM}'`);
    await rebuildDailyRollups(tx, target.workspaceId, touched);
  }
  return counts;
}
