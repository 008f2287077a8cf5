/**
 * Integration tests run against a real database: a fresh SQLite file by default, or the
 * PostgreSQL server in DATABASE_URL (scripts/test-all.sh starts one). Migrations are
 * applied once with the same offline migrator the app uses.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export default function setup(): void {
  let url = process.env.DATABASE_URL ?? "";
  if (!url || url.startsWith("file:")) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "allotment-int-"));
    url = `file:${path.join(dir, "test.db")}`;
  } else {
    execFileSync(process.execPath, ["scripts/db.mjs", "reset"], {
      env: { ...process.env, DATABASE_URL: url },
      stdio: "inherit",
    });
  }
  process.env.DATABASE_URL = url;
  execFileSync(process.execPath, ["scripts/db.mjs", "deploy"], {
    env: { ...process.env, DATABASE_URL: url },
    stdio: "inherit",
  });
}
