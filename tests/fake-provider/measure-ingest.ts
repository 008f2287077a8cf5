/**
 * Ingestion throughput: the simulator (N members × D days) into a fresh database via runSync,
 * then the same window again (idempotent pass). Usage:
 *   DATABASE_URL=file:./data/ingest-bench.db tsx --conditions=react-server tests/fake-provider/measure-ingest.ts 5000 60
 */
import { addDays } from "../../lib/core/period";
import { simulatorAdapter, simulatorConfigSchema } from "../../lib/ingest/adapters/simulator";
import { runSync } from "../../lib/ingest/sync";
import { createDb, prepareDb } from "../../lib/server/db";

const url = process.env.DATABASE_URL!;
const members = Number(process.argv[2] ?? 5000);
const daysCount = Number(process.argv[3] ?? 60);
const db = createDb(url);
await prepareDb(db);
const endDay = "2026-11-30";
const ws = await db.workspace.create({ data: { slug: `bench-${Date.now()}`, name: "Bench" } });
const config = simulatorConfigSchema.parse({
  seed: 7,
  domain: "bench.example",
  members,
  groups: 100,
  endDay,
  demoPeople: false,
});
const connection = await db.connection.create({
  data: { workspaceId: ws.id, kind: "simulator", name: "bench", configJson: "{}" },
});
const adapter = simulatorAdapter(config);
const window = { start: addDays(endDay, -(daysCount - 1)), end: endDay };
for (const pass of ["first", "again"]) {
  const t0 = performance.now();
  const r = await runSync({ db, connectionId: connection.id, adapter, window });
  const s = (performance.now() - t0) / 1000;
  console.log(
    JSON.stringify({
      pass,
      status: r.status,
      rows: r.rowsRead,
      inserted: r.rowsInserted,
      unchanged: r.rowsUnchanged,
      seconds: +s.toFixed(2),
      rowsPerSecond: Math.round(r.rowsRead / s),
    }),
  );
}
await db.$disconnect();
process.exit(0);
