/**
 * Writes one page of usage rows idempotently: rows are matched on the natural key, new
 * ones inserted, changed ones replaced, identical ones left alone, and rows of the page's
 * complete days that the provider no longer reports are removed. Rollups of every touched
 * day are rebuilt in the same transaction.
 */
import { engineOf, type Tx } from "../db";
import { usdToCredits } from "../money";
import { rebuildDailyRollups } from "../rollups/rebuild-days";
import { chunks, inList } from "../sql";
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

function sameValues(old: ExistingUsage, t: UsageTuple): boolean {
  if (old.provider !== t[PROVIDER] || old.memberId !== t[MEMBER] || old.unpriced !== t[UNPRICED])
    return false;
  for (let i = FIRST_SUM; i <= LAST_SUM; i++) if (old.sums[i - FIRST_SUM] !== t[i]) return false;
  return true;
}

export async function writeUsagePage(
  tx: Tx,
  target: WriteTarget,
  page: UsagePage,
): Promise<WriteCounts> {
  const engine = engineOf(tx);
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
    const memberId = await target.resolver.resolve(tx, row.identity);
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
      usdToCredits(seat, target.usdPerCreditMicros),
      row.unpriced,
      target.runId,
    ];
    const prev = incoming.get(key);
    if (prev) {
      // A provider may report the same key twice in one page (e.g. split buckets): add them up.
      for (let i = FIRST_SUM; i <= LAST_SUM; i++) (prev[i] as bigint) += tuple[i] as bigint;
      prev[UNPRICED] = prev[UNPRICED] || tuple[UNPRICED];
    } else incoming.set(key, tuple);
  }

  const days = [...new Set([...page.completeDays, ...page.rows.map((r) => r.day)])].sort();
  const existing = days.length ? await loadUsageRows(tx, engine, target.connectionId, days) : [];

  const counts: WriteCounts = {
    read: page.rows.length,
    inserted: 0,
    updated: 0,
    unchanged: 0,
    removed: 0,
  };
  const toWrite: UsageTuple[] = [];
  const seen = new Set<string>();
  const completeDays = new Set(page.completeDays);
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

  if (toWrite.length) await upsertUsageTuples(tx, engine, toWrite);
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
    await rebuildDailyRollups(tx, target.workspaceId, touched);
  }
  return counts;
}
