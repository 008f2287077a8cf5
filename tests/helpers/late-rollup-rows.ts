/**
 * The keyset pagers' race (lib/exports/rollup-reads.ts keyRangePages): a synced workspace
 * whose export source, once the first page's end is known (its OFFSET read), sees 20 rollup
 * rows appear at the very start of that page's range, as a sync landing between the two
 * reads would make them.
 */
import { clientSource, type JsonSource } from "@/lib/exports/json-read";
import type { Db } from "@/lib/server/db";

import { syncedSimulatedWorkspace } from "./simulator";

export async function rowsLandingMidRead(db: Db) {
  const period = { start: "2026-11-10", end: "2026-11-22" };
  const sim = await syncedSimulatedWorkspace(db, { members: 6, endDay: "2026-11-22" }, period);
  const inner = clientSource(db);
  const state = { inserted: false };
  const src: JsonSource = {
    ...inner,
    async rows<T extends unknown[]>(sql: string, values: unknown[]): Promise<T[]> {
      const rows = await inner.rows<T>(sql, values);
      if (!state.inserted && sql.includes("OFFSET")) {
        state.inserted = true;
        await db.usageDailyRollup.createMany({
          data: Array.from({ length: 20 }, (_, i) => ({
            workspaceId: sim.workspace.id,
            day: period.start,
            memberKey: "",
            product: `!${String(i).padStart(2, "0")}`,
            model: "m",
            provider: "p",
            costMicros: 1n,
          })),
        });
      }
      return rows;
    },
  };
  /** every rollup row of the period now, for a pager's count to equal */
  const rowCount = () =>
    db.usageDailyRollup.count({
      where: { workspaceId: sim.workspace.id, day: { gte: period.start, lte: period.end } },
    });
  return { sim, period, inner, src, state, rowCount };
}
