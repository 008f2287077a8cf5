/**
 * `npm run bench` — builds the reference enterprise (20,000 members, 300 groups, 180 days;
 * `--small` for a quick run, `--pg` for PostgreSQL) and measures ingestion, the dashboard
 * queries against hand-written SQL, and whatever other sections are registered. Prints one
 * JSON document and writes it under bench/results/.
 */
import "dotenv/config";

import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";

import { toDayKey } from "../lib/core/period";
import { createDb, prepareDb } from "../lib/server/db";
import { openRawSql } from "./baseline";
import { buildDataset, resetDatabase } from "./dataset";
import { SECTIONS, type BenchContext } from "./sections";
import { stopBenchServer } from "./server";

const { values } = parseArgs({
  options: {
    small: { type: "boolean", default: false },
    pg: { type: "boolean", default: false },
    members: { type: "string" },
    days: { type: "string" },
    /** N times the reference enterprise: 20,000·N members, 300·N groups, 180 days */
    scale: { type: "string" },
    only: { type: "string" },
    /** measure again on the dataset a previous run left in the file (no rebuild, no ingestion figures) */
    reuse: { type: "boolean", default: false },
    /** SQLite file to build into (default data/bench.db) */
    file: { type: "string" },
  },
});

const scale = Number(values.scale ?? 1);
if (!Number.isInteger(scale) || scale < 1 || scale > 10 || (scale > 1 && values.small))
  throw new Error("--scale takes a whole number from 1 to 10, and not with --small");
const spec = {
  members: Number(values.members ?? (values.small ? 2_000 : 20_000 * scale)),
  groups: values.small ? 40 : 300 * scale,
  days: Number(values.days ?? (values.small ? 30 : 180)),
  endDay: toDayKey(new Date()),
  scale,
};
const log = (line: string) => console.error(`[bench] ${line}`);

let pgDir: string | null = null;
let url = `file:${values.file ?? "./data/bench.db"}`;
if (values.pg) {
  url = process.env.DATABASE_URL_PG ?? "";
  if (!url) {
    const out = execFileSync("bash", ["scripts/pg-test-server.sh", "start"], { encoding: "utf8" });
    pgDir = /ALLOTMENT_PG_DIR=(\S+)/.exec(out)?.[1] ?? null;
    url = /DATABASE_URL_PG=(\S+)/.exec(out)?.[1] ?? "";
  }
}

const startedAt = Date.now();
try {
  log(
    `dataset: ${spec.members} members, ${spec.groups} groups, ${spec.days} days on ${values.pg ? "PostgreSQL" : "SQLite"}`,
  );
  if (!values.reuse) resetDatabase(url);
  // a dataset built before a migration gets it (a new rollup is backfilled from the old ones)
  else
    execFileSync(process.execPath, ["scripts/db.mjs", "deploy"], {
      env: { ...process.env, DATABASE_URL: url },
      stdio: "ignore",
    });
  const db = createDb(url);
  await prepareDb(db);
  const built = values.reuse
    ? {
        workspaceId: (await db.workspace.findUniqueOrThrow({ where: { slug: "bench-enterprise" } }))
          .id,
        ingestion: { reused_dataset: true },
      }
    : await buildDataset(db, url, spec, log, pgDir);
  if (values.reuse)
    spec.endDay =
      (await db.connection.findFirstOrThrow({ where: { workspaceId: built.workspaceId } }))
        .syncedThrough ?? spec.endDay;
  const raw = openRawSql(url);
  const ctx: BenchContext = {
    db,
    url,
    raw,
    workspaceId: built.workspaceId,
    spec,
    log,
    small: values.small ?? false,
  };
  const results: Record<string, unknown> = {};
  for (const section of SECTIONS) {
    if (values.only && !values.only.split(",").includes(section.name)) continue;
    log(`section ${section.name}`);
    try {
      results[section.name] = await section.run(ctx);
    } catch (error) {
      results[section.name] = { error: error instanceof Error ? error.message : String(error) };
      log(`section ${section.name} failed: ${error instanceof Error ? error.stack : error}`);
    }
  }
  const counts = {
    usage_records: await db.usageRecord.count({ where: { workspaceId: built.workspaceId } }),
    rollup_rows: await db.usageDailyRollup.count({ where: { workspaceId: built.workspaceId } }),
    members: await db.member.count({ where: { workspaceId: built.workspaceId } }),
    groups: await db.group.count({ where: { workspaceId: built.workspaceId } }),
  };
  const doc = {
    benchmark: "allotment",
    at: new Date().toISOString(),
    // a run of some sections or another dataset size is "partial": it never replaces the
    // latest full run's file, which the README quotes
    // (a --scale run of some sections is still that scale's run: it measures what the issue
    // sets targets for at that size; one with fewer days or people is partial)
    mode: values.small
      ? "small"
      : values.members || values.days
        ? "partial"
        : scale > 1
          ? `scale${scale}`
          : values.only
            ? "partial"
            : "full",
    engine: values.pg ? "postgres" : "sqlite",
    machine: {
      cpus: os.cpus().length,
      cpu_model: os.cpus()[0]?.model ?? "unknown",
      memory_gb: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
    },
    dataset: { ...spec, ...counts },
    ingestion: built.ingestion,
    ...results,
    total_seconds: Math.round((Date.now() - startedAt) / 1000),
  };
  const text = JSON.stringify(doc, null, 2);
  fs.mkdirSync("bench/results", { recursive: true });
  const file = path.join(
    "bench/results",
    `${doc.mode}-${doc.engine}${values.reuse ? "-rerun" : ""}-${doc.at.slice(0, 19).replace(/[:T]/g, "-")}.json`,
  );
  fs.writeFileSync(file, text + "\n");
  if (!values.reuse && doc.mode !== "partial")
    fs.writeFileSync(
      path.join("bench/results", `latest-${doc.mode}-${doc.engine}.json`),
      text + "\n",
    );
  console.log(text);
  await raw.close();
  await db.$disconnect();
  // As a smoke test (CI runs --small) the bench fails on a broken section or on figures
  // that disagree with the hand-written SQL; it never judges timings.
  const problems = [
    ...text.matchAll(/"(error|all_three_agree|pages_agree)": (false|"[^"]*")/g),
  ].map((m) => m[0]);
  if (problems.length) {
    log(`FAILED: ${problems.join("; ")}`);
    process.exitCode = 1;
  }
} finally {
  stopBenchServer();
  if (pgDir) execFileSync("bash", ["scripts/pg-test-server.sh", "stop", pgDir]);
}
process.exit(process.exitCode ?? 0);
