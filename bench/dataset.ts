/**
 * Builds the reference enterprise of DESIGN.md into a fresh database through the real
 * sync path (simulator adapter → runSync), and measures ingestion on the way.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";

import { addDays } from "../lib/core/period";
import { simulatorAdapter, simulatorConfigSchema } from "../lib/ingest/adapters/simulator";
import { runSync } from "../lib/ingest/sync";
import type { Db } from "../lib/server/db";
import { loadAverage, postgresCpuSeconds, round, timed } from "./stats";

export interface DatasetSpec {
  members: number;
  groups: number;
  days: number;
  endDay: string;
  /** times the reference enterprise (1 = DESIGN's 20,000 people) */
  scale: number;
}

export function resetDatabase(url: string): void {
  if (url.startsWith("file:")) {
    const file = url.slice("file:".length);
    for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
  } else {
    execFileSync(process.execPath, ["scripts/db.mjs", "reset"], {
      env: { ...process.env, DATABASE_URL: url },
      stdio: "ignore",
    });
  }
  execFileSync(process.execPath, ["scripts/db.mjs", "deploy"], {
    env: { ...process.env, DATABASE_URL: url },
    stdio: "ignore",
  });
}

export async function buildDataset(
  db: Db,
  url: string,
  spec: DatasetSpec,
  log: (l: string) => void,
  /** the data directory of a PostgreSQL server the bench started (its CPU is measured too) */
  postgresDir: string | null = null,
) {
  const workspace = await db.workspace.create({
    data: { slug: "bench-enterprise", name: "Bench Enterprise" },
  });
  const config = simulatorConfigSchema.parse({
    seed: 2026,
    domain: "bench.example",
    members: spec.members,
    groups: spec.groups,
    endDay: spec.endDay,
    demoPeople: true,
  });
  const connection = await db.connection.create({
    data: {
      workspaceId: workspace.id,
      kind: "simulator",
      name: "bench",
      configJson: JSON.stringify({
        ...config,
        usdPerCreditMicros: config.usdPerCreditMicros.toString(),
      }),
    },
  });
  const adapter = simulatorAdapter(config);
  const window = { start: addDays(spec.endDay, -(spec.days - 1)), end: spec.endDay };
  let lastLog = Date.now();
  const loadBefore = loadAverage();
  const serverBefore = postgresCpuSeconds(postgresDir);
  const first = await timed(() =>
    runSync({
      db,
      connectionId: connection.id,
      adapter,
      window,
      trigger: "bench",
      onPage: ({ label, pages }) => {
        if (Date.now() - lastLog > 10_000) {
          lastLog = Date.now();
          log(`ingest: page ${pages} (${label})`);
        }
      },
    }),
  );
  const serverCpu =
    serverBefore === null ? null : (postgresCpuSeconds(postgresDir) ?? serverBefore) - serverBefore;
  const loadAfter = loadAverage();
  if (first.value.status !== "SUCCEEDED")
    throw new Error(`bench ingest failed: ${first.value.error}`);
  log(`ingest: ${first.value.rowsRead} rows in ${round(first.ms / 1000)} s`);
  const ingestion = {
    rows: first.value.rowsRead,
    seconds: round(first.ms / 1000),
    rows_per_second: Math.round(first.value.rowsRead / (first.ms / 1000)),
    // the bench process's CPU (on SQLite the database engine runs in it too)
    cpu_seconds: round(first.cpuMs / 1000),
    rows_per_cpu_second: Math.round(first.value.rowsRead / (first.cpuMs / 1000)),
    // PostgreSQL: the server's own CPU (a server the bench started), and rows per CPU-second of both
    ...(serverCpu === null
      ? {}
      : {
          postgres_server_cpu_seconds: round(serverCpu),
          rows_per_cpu_second_app_and_server: Math.round(
            first.value.rowsRead / (first.cpuMs / 1000 + serverCpu),
          ),
        }),
    // 1-minute load average before and after: wall times on a shared machine stretch with it
    load_average: [loadBefore, loadAfter],
  };
  // the re-sync of the same window (it must change nothing) is checked at the reference size;
  // at ten times the size it would add a quarter of an hour that measures nothing new
  if (spec.scale > 1) return { workspaceId: workspace.id, ingestion };
  const second = await timed(() =>
    runSync({
      db,
      connectionId: connection.id,
      adapter,
      window,
      trigger: "bench",
    }),
  );
  log(`re-sync: ${second.value.rowsUnchanged} unchanged in ${round(second.ms / 1000)} s`);
  return {
    workspaceId: workspace.id,
    ingestion: {
      ...ingestion,
      resync_seconds: round(second.ms / 1000),
      resync_rows_per_second: Math.round(second.value.rowsRead / (second.ms / 1000)),
      resync_inserted: second.value.rowsInserted,
      resync_updated: second.value.rowsUpdated,
      resync_unchanged: second.value.rowsUnchanged,
      resync_changed_nothing: second.value.rowsInserted === 0 && second.value.rowsUpdated === 0,
    },
  };
}
