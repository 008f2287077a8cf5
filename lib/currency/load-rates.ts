/** The workspace's exchange rates as a RateTable (read once per sync run). */
import type { Db, Tx } from "../server/db";
import { RateTable } from "./rates";

export async function loadRateTable(db: Db | Tx, workspaceId: string): Promise<RateTable> {
  const rows = await db.exchangeRate.findMany({
    where: { workspaceId },
    select: { currency: true, effectiveFrom: true, usdPerUnit: true },
  });
  return new RateTable(rows);
}
