#!/usr/bin/env node
// Offline replacement for `prisma migrate deploy|dev --create-only`, `db push` and
// `migrate diff`. Prisma 7's CLI needs the native `schema-engine` binary, which it
// downloads from binaries.prisma.sh (unreachable here). This script drives the
// WebAssembly build of the same schema engine (@prisma/schema-engine-wasm, from npm)
// through the app's own driver adapters, so it needs no network at all.
//
// Usage:  node scripts/db.mjs deploy | check | push [--force] | diff [--from-empty] | create <name> [--from-git <ref>] | status
// DATABASE_URL selects the provider: file:... => prisma/sqlite, postgres(ql)://... => prisma/postgres
import "dotenv/config";

import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const url = process.env.DATABASE_URL ?? "file:./data/allotment.db";
if (!isPgUrl(url)) fs.mkdirSync(path.join(root, "data"), { recursive: true });
function isPgUrl(u) {
  return /^postgres(ql)?:\/\//.test(u);
}
const isPg = /^postgres(ql)?:\/\//.test(url);
const provider = isPg ? "postgres" : "sqlite";
const schemaDir = path.join(root, "prisma", provider);
const migrationsDir = path.join(schemaDir, "migrations");
const filters = { externalTables: [], externalEnums: [] };

async function loadEngine() {
  // The package's entry does `import * as wasm from "./x.wasm"` (needs
  // --experimental-wasm-modules on Node 20), so instantiate the module by hand.
  const bgUrl = import.meta.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
  const bg = await import(bgUrl);
  const wasmFile = path.join(path.dirname(fileURLToPath(bgUrl)), "schema_engine_bg.wasm");
  const mod = new WebAssembly.Module(fs.readFileSync(wasmFile));
  const instance = new WebAssembly.Instance(mod, { "./schema_engine_bg.js": bg });
  bg.__wbg_set_wasm(instance.exports);
  instance.exports.__wbindgen_start?.();
  return bg;
}

async function makeAdapterFactory() {
  if (isPg) {
    const { PrismaPg } = await import("@prisma/adapter-pg");
    return new PrismaPg({ connectionString: url });
  }
  const { PrismaBetterSqlite3 } = await import("@prisma/adapter-better-sqlite3");
  return new PrismaBetterSqlite3({ url }); // shadow DB defaults to :memory:
}

function schemaFiles() {
  return fs
    .readdirSync(schemaDir)
    .filter((f) => f.endsWith(".prisma"))
    .sort()
    .map((f) => ({
      path: path.join(schemaDir, f),
      content: fs.readFileSync(path.join(schemaDir, f), "utf8"),
    }));
}

function migrationsList() {
  const dirs = fs.existsSync(migrationsDir)
    ? fs
        .readdirSync(migrationsDir, { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => d.name)
        .sort()
    : [];
  const lockPath = path.join(migrationsDir, "migration_lock.toml");
  return {
    baseDir: migrationsDir,
    lockfile: {
      path: "migration_lock.toml",
      content: fs.existsSync(lockPath) ? fs.readFileSync(lockPath, "utf8") : null,
    },
    shadowDbInitScript: "",
    migrationDirectories: dirs.map((name) => {
      const p = path.join(migrationsDir, name, "migration.sql");
      return {
        path: name,
        migrationFile: {
          path: "migration.sql",
          content: fs.existsSync(p)
            ? { tag: "ok", value: fs.readFileSync(p, "utf8") }
            : { tag: "error", value: "missing" },
        },
      };
    }),
  };
}

async function main() {
  const [cmd = "deploy", ...rest] = process.argv.slice(2);
  const bg = await loadEngine();
  const files = schemaFiles();
  const adapter = bindMigrationAwareSqlAdapterFactory(await makeAdapterFactory());
  globalThis.__adapter = adapter;
  const log = (msg) => process.env.DEBUG_SCHEMA_ENGINE && console.error("[schema-engine]", msg);
  const engine = await bg.SchemaEngine.new(
    { datamodels: files.map((f) => [f.path, f.content]) },
    log,
    adapter,
  );
  const label = `${provider} (${isPg ? url.replace(/\/\/[^@]*@/, "//***@") : url})`;

  switch (cmd) {
    case "deploy": {
      const out = await engine.applyMigrations({ migrationsList: migrationsList(), filters });
      console.log(
        `[db] ${label}: applied ${out.appliedMigrationNames.length} migration(s)`,
        out.appliedMigrationNames,
      );
      break;
    }
    case "push": {
      const out = await engine.schemaPush({
        schema: { files },
        force: rest.includes("--force"),
        filters,
      });
      if (out.unexecutable.length || (out.warnings.length && !rest.includes("--force"))) {
        console.error("[db] push refused:", out);
        process.exitCode = 1;
      } else console.log(`[db] ${label}: push executed ${out.executedSteps} step(s)`);
      break;
    }
    case "diff": {
      // --from-empty: full schema script (no shadow DB needed). Default: migrations dir -> schema.
      const from = rest.includes("--from-empty")
        ? { tag: "empty" }
        : { tag: "migrations", ...migrationsList() };
      const out = await engine.diff({
        from,
        to: { tag: "schemaDatamodel", files },
        script: true,
        exitCode: null,
        filters,
      });
      process.stdout.write(out.stdout ?? "");
      break;
    }
    case "create": {
      // Like `prisma migrate dev --create-only`, but diff-based: (existing migrations | empty) -> schema.
      const name = (rest[0] ?? "migration").replace(/[^a-zA-Z0-9_]/g, "_");
      const list = migrationsList();
      let from = { tag: "empty" };
      const gitIdx = rest.indexOf("--from-git");
      if (gitIdx >= 0) {
        // Static diff: schema at a git ref -> working-tree schema. Needs no database at all
        // (use this on Postgres, where introspection through adapter-pg fails, see report).
        const ref = rest[gitIdx + 1] ?? "HEAD";
        const { execFileSync } = await import("node:child_process");
        const old = files.map((f) => {
          const rel = path.relative(root, fs.realpathSync(f.path));
          return {
            path: f.path,
            content: execFileSync("git", ["show", `${ref}:${rel}`], {
              cwd: root,
              encoding: "utf8",
            }),
          };
        });
        from = { tag: "schemaDatamodel", files: old };
      } else if (list.migrationDirectories.length) {
        // The shadow-DB path ({tag:"migrations"}) fails with the better-sqlite3 adapter
        // ("more than one statement"), so bring the dev DB up to date and diff from it.
        await engine.applyMigrations({ migrationsList: list, filters });
        from = { tag: "schemaDatasource", files, configDir: root };
      }
      const out = await engine.diff({
        from,
        to: { tag: "schemaDatamodel", files },
        script: true,
        exitCode: true,
        filters,
      });
      if (out.exitCode !== 2) {
        console.log("[db] schema unchanged, no migration created");
        break;
      }
      const ts = new Date().toISOString().replace(/[-:T]/g, "").slice(0, 14);
      const dir = path.join(migrationsDir, `${ts}_${name}`);
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, "migration.sql"), out.stdout ?? "");
      const lockPath = path.join(migrationsDir, "migration_lock.toml");
      if (!fs.existsSync(lockPath))
        fs.writeFileSync(
          lockPath,
          `# Please do not edit this file manually\n# It should be added in your version-control system (e.g., Git)\nprovider = "${isPg ? "postgresql" : "sqlite"}"\n`,
        );
      console.log(`[db] created ${path.relative(root, dir)}`);
      break;
    }
    case "check": {
      // Fails when the committed migrations do not produce the schema (a forgotten migration).
      // Applies them to the given (throwaway) database and diffs it against the schema files.
      await engine.applyMigrations({ migrationsList: migrationsList(), filters });
      const out = await engine.diff({
        from: { tag: "schemaDatasource", files, configDir: root },
        to: { tag: "schemaDatamodel", files },
        script: true,
        exitCode: true,
        filters,
      });
      if (out.exitCode === 2) {
        console.error(
          `[db] ${label}: schema and migrations differ; run \`npm run db -- create <name>\`:\n${out.stdout}`,
        );
        process.exitCode = 1;
      } else console.log(`[db] ${label}: migrations match the schema`);
      break;
    }
    case "reset": {
      // Test helper: wipe the database (engine.reset = drop everything incl. _prisma_migrations).
      await engine.reset({ filter: filters });
      console.log(`[db] ${label}: reset`);
      break;
    }
    case "status": {
      const out = await engine.diagnoseMigrationHistory({
        migrationsList: migrationsList(),
        optInToShadowDatabase: false,
        filters,
      });
      console.log(JSON.stringify(out, null, 2));
      break;
    }
    default:
      throw new Error(`unknown command ${cmd}`);
  }
  engine.free?.();
}

// pg.Pool keeps idle connections for 10s; exit explicitly instead of waiting for them.
main()
  .then(() => process.exit(process.exitCode ?? 0))
  .catch((e) => {
    const m = /External error id#(\d+)/.exec(String(e?.message));
    if (m && globalThis.__adapter?.errorRegistry) {
      console.error(
        "[db] driver error:",
        globalThis.__adapter.errorRegistry.consumeError(Number(m[1])),
      );
    }
    console.error("[db] failed:", e?.message ?? e);
    process.exit(1);
  });
