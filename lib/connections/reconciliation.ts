import "server-only";
/**
 * Reconciliation per day and source: what the provider billed, our list-price estimate,
 * what was allocated to usage rows, the unattributed rest, unpriced rows, and whether a
 * later sync restated the day. Sums run in SQL (group by) on the fact table.
 */
import type { Db } from "../db";
import { UNATTRIBUTED_LINE_ITEM } from "../ingest/attribute-billed";

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
  /** rows of the day were written by more than one run: a later sync changed the day */
  restated: boolean;
}

export async function reconciliation(db: Db, workspaceId: string, range: { start: string; end: string }): Promise<ReconciliationRow[]> {
  const where = { workspaceId, day: { gte: range.start, lte: range.end } };
  const [all, unattributed, unpriced, runs, connections] = await Promise.all([
    db.usageRecord.groupBy({ by: ["day", "connectionId", "provider"], where, _sum: { costMicros: true, estimatedCostMicros: true } }),
    db.usageRecord.groupBy({ by: ["day", "connectionId", "provider"], where: { ...where, lineItem: UNATTRIBUTED_LINE_ITEM }, _sum: { costMicros: true } }),
    db.usageRecord.groupBy({ by: ["day", "connectionId", "provider"], where: { ...where, unpriced: true }, _count: { _all: true } }),
    db.usageRecord.groupBy({ by: ["day", "connectionId", "lastRunId"], where }),
    db.connection.findMany({ where: { workspaceId }, select: { id: true, name: true } }),
  ]);
  const key = (r: { day: string; connectionId: string; provider?: string }) => `${r.day}|${r.connectionId}|${r.provider ?? ""}`;
  const unattr = new Map(unattributed.map((r) => [key(r), r._sum.costMicros ?? 0n]));
  const unpricedCount = new Map(unpriced.map((r) => [key(r), r._count._all]));
  const runCount = new Map<string, number>();
  for (const r of runs) runCount.set(`${r.day}|${r.connectionId}`, (runCount.get(`${r.day}|${r.connectionId}`) ?? 0) + 1);
  const names = new Map(connections.map((c) => [c.id, c.name]));
  return all
    .map((r) => {
      const billed = r._sum.costMicros ?? 0n;
      const estimated = r._sum.estimatedCostMicros ?? 0n;
      const u = unattr.get(key(r)) ?? 0n;
      return {
        day: r.day, connectionId: r.connectionId, connectionName: names.get(r.connectionId) ?? "?", provider: r.provider,
        billedMicros: billed, estimatedMicros: estimated, allocatedMicros: billed - u, unattributedMicros: u,
        deltaMicros: billed - estimated, unpricedRows: unpricedCount.get(key(r)) ?? 0,
        restated: (runCount.get(`${r.day}|${r.connectionId}`) ?? 0) > 1,
      };
    })
    .sort((a, b) => (a.day === b.day ? a.connectionName.localeCompare(b.connectionName) : a.day < b.day ? 1 : -1));
}
