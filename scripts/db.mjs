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

import { AsyncLocalStorage } from "node:async_hooks";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { bindMigrationAwareSqlAdapterFactory, ColumnTypeEnum } from "@prisma/driver-adapter-utils";

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
    return readCharAsCharacter(new PrismaPg({ connectionString: url }));
  }
  const { PrismaBetterSqlite3 } = await import("@prisma/adapter-better-sqlite3");
  return new PrismaBetterSqlite3({ url }); // shadow DB defaults to :memory:
}

/**
 * PostgreSQL's one-byte `"char"` type (OID 18) read as the driver-adapter column type
 * Character. The schema engine's own introspection reads pg_catalog columns of that type
 * (pg_constraint.contype as "constraint_type" in its query of check and exclusion
 * constraints, asked on every `check`, `create` and `diff` from a database), and
 * @prisma/adapter-pg (7.10) maps no column type to OID 18: it throws
 * UnsupportedNativeDataType, which the wasm engine reports as "Column type 'char' could not be
 * deserialized from the database". No table of ours has such a column (our migrations make
 * none); Prisma's native engine reads these columns through its own driver. The pg driver
 * already returns the value as a one-character string; the column is reported as TEXT to the
 * adapter and as Character to the engine (which reads constraint_type "as char").
 */
function readCharAsCharacter(factory) {
  const CHAR = 18;
  const TEXT = 25;
  const CHARACTER = ColumnTypeEnum.Character;
  // the char columns of the query a queryRaw call is running (calls may overlap on the pool)
  const charColumns = new AsyncLocalStorage();
  const patched = new WeakSet();
  const patch = (adapter) => {
    const owner = (name) => {
      for (let o = Object.getPrototypeOf(adapter); o; o = Object.getPrototypeOf(o))
        if (Object.hasOwn(o, name)) return o;
      throw new Error(`@prisma/adapter-pg has no ${name} any more: see readCharAsCharacter`);
    };
    const io = owner("performIO");
    const raw = owner("queryRaw");
    if (patched.has(io)) return adapter;
    patched.add(io);
    const performIO = io.performIO;
    io.performIO = async function (query) {
      const result = await performIO.call(this, query);
      const found = charColumns.getStore();
      if (found && result?.fields)
        result.fields = result.fields.map((f, i) => {
          if (f.dataTypeID !== CHAR) return f;
          found.push(i);
          return { ...f, dataTypeID: TEXT };
        });
      return result;
    };
    const queryRaw = raw.queryRaw;
    raw.queryRaw = async function (query) {
      const found = [];
      const result = await charColumns.run(found, () => queryRaw.call(this, query));
      for (const i of found) result.columnTypes[i] = CHARACTER;
      return result;
    };
    return adapter;
  };
  const connect = factory.connect.bind(factory);
  factory.connect = async (...args) => patch(await connect(...args));
  if (factory.connectToShadowDb) {
    const shadow = factory.connectToShadowDb.bind(factory);
    factory.connectToShadowDb = async (...args) => patch(await shadow(...args));
  }
  return factory;
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

// the wasm engine hands a panic's message to this registry before it throws (without one
// the panic surfaces as "Cannot read properties of undefined (reading 'set_message')")
globalThis.PRISMA_WASM_PANIC_REGISTRY = {
  message: "",
  set_message(message) {
    this.message = message;
  },
};

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
        // Static diff: schema at a git ref -> working-tree schema. Needs no database at all.
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

// a panic inside the engine's async work surfaces outside main()'s promise
process.on("uncaughtException", (e) => {
  const panic = globalThis.PRISMA_WASM_PANIC_REGISTRY.message;
  console.error(`[db] failed: ${panic ? `schema engine panic: ${panic}` : (e?.stack ?? e)}`);
  process.exit(1);
});

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
    const panic = globalThis.PRISMA_WASM_PANIC_REGISTRY.message;
    if (panic) console.error("[db] schema engine panic:", panic);
    console.error("[db] failed:", e?.message ?? e);
    process.exit(1);
  });
