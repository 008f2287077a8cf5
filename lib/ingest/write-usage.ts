/**
 * Writes one page of usage rows idempotently: rows are matched on the natural key, new
 * ones inserted, changed ones replaced, identical ones left alone, and rows of the page's
 * complete days that the provider no longer reports are removed. Rollups of every touched
 * day are rebuilt in the same transaction.
 */
import type { Engine, Tx } from "../db";
import { usdToCredits } from "../money";
import { boolParam, chunks, inList, valuesList } from "../sql";
import { identityKey, type IdentityResolver } from "./identities";
import { rebuildDailyRollups } from "./rollups";
import type { UsagePage } from "./types";

export interface WriteCounts {
  read: number;
  inserted: number;
  updated: number;
  unchanged: number;
  removed: number;
}

export interface WriteTarget {
  engine: Engine;
  workspaceId: string;
  connectionId: string;
  runId: string;
  usdPerCreditMicros: bigint;
  resolver: IdentityResolver;
}

interface Prepared {
  key: string;
  values: [string, string, string, string, string, string | null, string, string, string, string, string, bigint, bigint, bigint, bigint, bigint, bigint, bigint, boolean];
}

const VALUE_COLUMNS = [
  "workspaceId", "connectionId", "day", "provider", "identityKey", "memberId", "product", "model", "project", "apiKey",
  "lineItem", "inputTokens", "cachedInputTokens", "outputTokens", "requests", "estimatedCostMicros", "costMicros",
  "creditsMicros", "unpriced",
] as const;
const KEY_COLUMNS = ["connectionId", "day", "identityKey", "product", "model", "project", "apiKey", "lineItem"] as const;
const UPDATE_COLUMNS = VALUE_COLUMNS.filter((c) => !(KEY_COLUMNS as readonly string[]).includes(c) && c !== "workspaceId");
const INSERT_COLUMNS = [...VALUE_COLUMNS, "lastRunId"] as const;
const ROWS_PER_STATEMENT = 800;

function naturalKey(day: string, idKey: string, product: string, model: string, project: string, apiKey: string, lineItem: string): string {
  return [day, idKey, product, model, project, apiKey, lineItem].join("\u0001");
}

export async function writeUsagePage(tx: Tx, target: WriteTarget, page: UsagePage): Promise<WriteCounts> {
  const { engine } = target;
  const incoming = new Map<string, Prepared>();
  for (const row of page.rows) {
    const idKey = identityKey(row.identity);
    const key = naturalKey(row.day, idKey, row.product, row.model, row.project, row.apiKey, row.lineItem);
    const memberId = await target.resolver.resolve(tx, row.identity);
    const credits = row.creditsMicros ?? usdToCredits(row.costMicros, target.usdPerCreditMicros);
    const prev = incoming.get(key);
    // A provider may report the same key twice in one page (e.g. split buckets): add them up.
    const sum = (i: number, v: bigint) => (prev ? (prev.values[i] as bigint) + v : v);
    incoming.set(key, {
      key,
      values: [
        target.workspaceId, target.connectionId, row.day, row.provider, idKey, memberId, row.product, row.model,
        row.project, row.apiKey, row.lineItem, sum(11, row.inputTokens), sum(12, row.cachedInputTokens),
        sum(13, row.outputTokens), sum(14, row.requests), sum(15, row.estimatedCostMicros), sum(16, row.costMicros),
        sum(17, credits), (prev?.values[18] ?? false) || row.unpriced,
      ],
    });
  }

  const days = [...new Set([...page.completeDays, ...page.rows.map((r) => r.day)])].sort();
  const existing = days.length
    ? await tx.usageRecord.findMany({
        where: { connectionId: target.connectionId, day: { in: days } },
        select: {
          id: true, day: true, identityKey: true, memberId: true, product: true, model: true, project: true, apiKey: true,
          lineItem: true, inputTokens: true, cachedInputTokens: true, outputTokens: true, requests: true,
          estimatedCostMicros: true, costMicros: true, creditsMicros: true, unpriced: true, provider: true,
        },
      })
    : [];

  const counts: WriteCounts = { read: page.rows.length, inserted: 0, updated: 0, unchanged: 0, removed: 0 };
  const toWrite: Prepared[] = [];
  const seen = new Set<string>();
  const completeDays = new Set(page.completeDays);
  const staleIds: number[] = [];
  for (const old of existing) {
    const key = naturalKey(old.day, old.identityKey, old.product, old.model, old.project, old.apiKey, old.lineItem);
    const next = incoming.get(key);
    if (!next) {
      if (completeDays.has(old.day)) staleIds.push(old.id);
      continue;
    }
    seen.add(key);
    const v = next.values;
    const same =
      old.provider === v[3] && old.memberId === v[5] && old.inputTokens === v[11] && old.cachedInputTokens === v[12] &&
      old.outputTokens === v[13] && old.requests === v[14] && old.estimatedCostMicros === v[15] &&
      old.costMicros === v[16] && old.creditsMicros === v[17] && old.unpriced === v[18];
    if (same) counts.unchanged++;
    else {
      counts.updated++;
      toWrite.push(next);
    }
  }
  for (const [key, prepared] of incoming) {
    if (seen.has(key)) continue;
    counts.inserted++;
    toWrite.push(prepared);
  }

  for (const batch of chunks(toWrite, ROWS_PER_STATEMENT)) {
    const params: unknown[] = [];
    for (const p of batch) {
      const v = p.values;
      params.push(...v.slice(0, 18), boolParam(engine, v[18]), target.runId);
    }
    await tx.$executeRawUnsafe(
      `INSERT INTO "UsageRecord" (${INSERT_COLUMNS.map((c) => `"${c}"`).join(", ")})
       VALUES ${valuesList(engine, batch.length, INSERT_COLUMNS.length)}
       ON CONFLICT (${KEY_COLUMNS.map((c) => `"${c}"`).join(", ")}) DO UPDATE SET
       ${[...UPDATE_COLUMNS, "lastRunId"].map((c) => `"${c}" = excluded."${c}"`).join(", ")}`,
      ...params,
    );
  }
  for (const batch of chunks(staleIds, 500)) {
    await tx.$executeRawUnsafe(`DELETE FROM "UsageRecord" WHERE "id" IN ${inList(engine, batch.length)}`, ...batch);
  }
  counts.removed = staleIds.length;

  if (toWrite.length || staleIds.length) {
    const touched = new Set<string>(staleIds.length ? days : []);
    for (const p of toWrite) touched.add(p.values[2]);
    await rebuildDailyRollups(tx, engine, target.workspaceId, touched);
  }
  return counts;
}
