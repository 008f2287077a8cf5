import "server-only";

import { UNATTRIBUTED_LINE_ITEM } from "../ingest/attribute-billed";
/**
 * Reconciliation per day and source: what the provider billed, our list-price estimate,
 * what was allocated to usage rows, the unattributed rest, unpriced rows, and whether a
 * later sync restated the day. Sums run in SQL (group by) on the fact table.
 *
 * A (day, scope) — the provider's project or workspace — with an unpriced row had its bill
 * split by tokens instead of list price (lib/ingest/attribute-billed.ts): those scopes are
 * listed per row so the screen can flag them.
 */
import type { Db } from "../server/db";

export interface ReconciliationRow {
  day: string;
  connectionId: string;
  connectionName: string;
  provider: string;
  billedMicros: bigint;
  estimatedMicros: bigint;
  allocatedMicros: bigint;
  unattributedMicros: bigint;
  /** billed − estimated */
  deltaMicros: bigint;
  unpricedRows: number;
  /** scopes (project / workspace; "" = none) of the day whose bill was split by tokens because a row was unpriced */
  tokenSplitScopes: string[];
  /** rows of the day were written by more than one run: a later sync changed the day */
  restated: boolean;
}

export async function reconciliation(
  db: Db,
  workspaceId: string,
  range: { start: string; end: string },
): Promise<ReconciliationRow[]> {
  const where = { workspaceId, day: { gte: range.start, lte: range.end } };
  const [all, unattributed, unpriced, unpricedScopes, runs, connections] = await Promise.all([
    db.usageRecord.groupBy({
      by: ["day", "connectionId", "provider"],
      where,
      _sum: { costMicros: true, estimatedCostMicros: true },
    }),
    db.usageRecord.groupBy({
      by: ["day", "connectionId", "provider"],
      where: { ...where, lineItem: UNATTRIBUTED_LINE_ITEM },
      _sum: { costMicros: true },
    }),
    db.usageRecord.groupBy({
      by: ["day", "connectionId", "provider"],
      where: { ...where, unpriced: true },
      _count: { _all: true },
    }),
    db.usageRecord.groupBy({
      by: ["day", "connectionId", "provider", "project"],
      where: { ...where, unpriced: true },
    }),
    db.usageRecord.groupBy({ by: ["day", "connectionId", "lastRunId"], where }),
    db.connection.findMany({ where: { workspaceId }, select: { id: true, name: true } }),
  ]);
  const key = (r: { day: string; connectionId: string; provider?: string }) =>
    `${r.day}|${r.connectionId}|${r.provider ?? ""}`;
  const unattr = new Map(unattributed.map((r) => [key(r), r._sum.costMicros ?? 0n]));
  const unpricedCount = new Map(unpriced.map((r) => [key(r), r._count._all]));
  const scopes = await billedScopes(db, workspaceId, unpricedScopes);
  const runCount = new Map<string, number>();
  for (const r of runs)
    runCount.set(
      `${r.day}|${r.connectionId}`,
      (runCount.get(`${r.day}|${r.connectionId}`) ?? 0) + 1,
    );
  const names = new Map(connections.map((c) => [c.id, c.name]));
  return all
    .map((r) => {
      const billed = r._sum.costMicros ?? 0n;
      const estimated = r._sum.estimatedCostMicros ?? 0n;
      const u = unattr.get(key(r)) ?? 0n;
      return {
        day: r.day,
        connectionId: r.connectionId,
        connectionName: names.get(r.connectionId) ?? "?",
        provider: r.provider,
        billedMicros: billed,
        estimatedMicros: estimated,
        allocatedMicros: billed - u,
        unattributedMicros: u,
        deltaMicros: billed - estimated,
        unpricedRows: unpricedCount.get(key(r)) ?? 0,
        tokenSplitScopes: scopes.get(key(r)) ?? [],
        restated: (runCount.get(`${r.day}|${r.connectionId}`) ?? 0) > 1,
      };
    })
    .sort((a, b) =>
      a.day === b.day ? a.connectionName.localeCompare(b.connectionName) : a.day < b.day ? 1 : -1,
    );
}

/**
 * Of the scopes with an unpriced row, those that carry billed cost: there the bill was split
 * by tokens. (A file import's unpriced row has no bill to split and is not listed.)
 */
async function billedScopes(
  db: Db,
  workspaceId: string,
  unpriced: { day: string; connectionId: string; provider: string; project: string }[],
): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (unpriced.length === 0) return out;
  const sums = await db.usageRecord.groupBy({
    by: ["day", "connectionId", "provider", "project"],
    where: {
      workspaceId,
      OR: unpriced.map(({ day, connectionId, provider, project }) => ({
        day,
        connectionId,
        provider,
        project,
      })),
    },
    _sum: { costMicros: true },
  });
  for (const s of sums) {
    if (!s._sum.costMicros) continue;
    const k = `${s.day}|${s.connectionId}|${s.provider}`;
    out.set(k, [...(out.get(k) ?? []), s.project].sort());
  }
  return out;
}
