/**
 * Operator CLI.
 *   npm run allotment -- connection add --workspace <slug> --kind openai|anthropic|file --name <n> [--base-url <url>] [--key-env <ENV>]
 *   npm run allotment -- sync --connection <name> [--workspace <slug>] [--since YYYY-MM-DD] [--until YYYY-MM-DD] [--file <path>]
 *   npm run allotment -- sync-due        (for cron: runs every scheduled connection that is due)
 * Progress goes to stderr; on success `sync` prints one JSON line to stdout (counts and
 * billed micro-USD per day and per provider). Failures exit non-zero with a clear message.
 */
import "dotenv/config";

import { readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";

import { z } from "zod";

import {
  CONNECTION_KINDS,
  createConnection,
  findConnectionByName,
  syncConnection,
  syncWindowFor,
} from "../lib/connections/connections";
import { runDueSyncs } from "../lib/connections/scheduler";
import { isDayKey, toDayKey } from "../lib/core/period";
import { now } from "../lib/server/clock";
import { dbReady, type Db } from "../lib/server/db";

const CLI_ACTOR = { memberId: null, label: "cli" };
const day = z.string().refine(isDayKey, "expected YYYY-MM-DD");

const addSchema = z.object({
  workspace: z.string().min(1, "--workspace is required"),
  kind: z.enum(CONNECTION_KINDS, {
    message: `--kind must be one of ${CONNECTION_KINDS.join(", ")}`,
  }),
  name: z.string().min(1, "--name is required"),
  "base-url": z.string().optional(),
  "key-env": z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "--key-env must name an environment variable")
    .optional(),
});

const syncSchema = z.object({
  connection: z.string().min(1, "--connection is required"),
  workspace: z.string().optional(),
  since: day.optional(),
  until: day.optional(),
  file: z.string().optional(),
});

function usage(): string {
  return [
    "usage:",
    "  allotment connection add --workspace <slug> --kind openai|anthropic|file --name <name> [--base-url <url>] [--key-env <ENV_VAR>]",
    "  allotment sync --connection <name> [--workspace <slug>] [--since YYYY-MM-DD] [--until YYYY-MM-DD] [--file <path>]",
    "  allotment sync-due",
  ].join("\n");
}

function parseOrExit<S extends z.ZodType>(schema: S, values: unknown): z.output<S> {
  const r = schema.safeParse(values);
  if (!r.success)
    throw new CliError(
      r.error.issues
        .map((i) => (i.path.length ? `--${i.path.join(".")}: ${i.message}` : i.message))
        .join("; "),
    );
  return r.data;
}

class CliError extends Error {}

async function workspaceId(db: Db, slug: string): Promise<string> {
  const ws = await db.workspace.findUnique({ where: { slug }, select: { id: true } });
  if (!ws) throw new CliError(`no workspace with slug "${slug}"`);
  return ws.id;
}

async function connectionAdd(db: Db, argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      workspace: { type: "string" },
      kind: { type: "string" },
      name: { type: "string" },
      "base-url": { type: "string" },
      "key-env": { type: "string" },
    },
    strict: true,
  });
  const args = parseOrExit(addSchema, values);
  let apiKey: string | undefined;
  if (args["key-env"]) {
    // the operator names the variable holding the key, so the key never appears in argv or shell history
    apiKey = process.env[args["key-env"]];
    if (!apiKey) throw new CliError(`environment variable ${args["key-env"]} is empty or not set`);
  } else if (args.kind !== "file")
    throw new CliError("--key-env is required for openai and anthropic connections");
  const id = await workspaceId(db, args.workspace);
  const created = await createConnection(
    db,
    id,
    { kind: args.kind, name: args.name, baseUrl: args["base-url"], apiKey },
    CLI_ACTOR,
  );
  process.stderr.write(
    `added ${created.kind} connection "${created.name}" (key ${created.keyMasked})\n`,
  );
  process.stdout.write(
    JSON.stringify({
      id: created.id,
      name: created.name,
      kind: created.kind,
      baseUrl: created.baseUrl,
      key: created.keyMasked,
    }) + "\n",
  );
}

async function sync(db: Db, argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      connection: { type: "string" },
      workspace: { type: "string" },
      since: { type: "string" },
      until: { type: "string" },
      file: { type: "string" },
    },
    strict: true,
  });
  const args = parseOrExit(syncSchema, values);
  const wsId = args.workspace ? await workspaceId(db, args.workspace) : null;
  const connection = await findConnectionByName(db, wsId, args.connection);
  const file = args.file
    ? { name: path.basename(args.file), text: readFileSync(args.file, "utf8") }
    : undefined;
  const window = syncWindowFor(connection, toDayKey(now()), args.since, args.until);
  const started = Date.now();
  process.stderr.write(
    `syncing "${connection.name}" (${connection.kind}) ${window.start}..${window.end}\n`,
  );
  const result = await syncConnection(db, connection.workspaceId, connection.id, {
    since: window.start,
    until: window.end,
    now: now(),
    trigger: "cli",
    actor: CLI_ACTOR,
    file,
    onPage: ({ label, counts, pages }) =>
      process.stderr.write(
        `page ${pages} ${label}: read ${counts.read}, inserted ${counts.inserted}, updated ${counts.updated}, unchanged ${counts.unchanged}, removed ${counts.removed}\n`,
      ),
  });
  if (result.status !== "SUCCEEDED")
    throw new CliError(`sync failed after ${result.pages} committed page(s): ${result.error}`);

  const rows = await db.usageRecord.groupBy({
    by: ["day", "provider"],
    where: { connectionId: connection.id, day: { gte: window.start, lte: window.end } },
    _sum: { costMicros: true },
  });
  const byDay: Record<string, string> = {};
  const byProvider: Record<string, string> = {};
  for (const r of rows.sort((a, b) => (a.day < b.day ? -1 : 1))) {
    const v = r._sum.costMicros ?? 0n;
    byDay[r.day] = String(BigInt(byDay[r.day] ?? 0) + v);
    byProvider[r.provider] = String(BigInt(byProvider[r.provider] ?? 0) + v);
  }
  const seconds = (Date.now() - started) / 1000;
  process.stderr.write(
    `done in ${seconds.toFixed(1)} s (${Math.round(result.rowsRead / Math.max(seconds, 0.001))} rows/s)\n`,
  );
  // micro-USD as JSON integers (raw digits: exact even beyond 2^53)
  const line = JSON.stringify({
    runId: result.runId,
    connection: connection.name,
    window,
    status: result.status,
    pages: result.pages,
    rowsRead: result.rowsRead,
    rowsInserted: result.rowsInserted,
    rowsUpdated: result.rowsUpdated,
    rowsUnchanged: result.rowsUnchanged,
    rowsRemoved: result.rowsRemoved,
    billedMicrosByDay: "@@DAY@@",
    billedMicrosByProvider: "@@PROVIDER@@",
  });
  const ints = (o: Record<string, string>) =>
    `{${Object.entries(o)
      .map(([k, v]) => `${JSON.stringify(k)}:${v}`)
      .join(",")}}`;
  process.stdout.write(
    line.replace('"@@DAY@@"', ints(byDay)).replace('"@@PROVIDER@@"', ints(byProvider)) + "\n",
  );
}

async function syncDue(db: Db): Promise<number> {
  const outcomes = await runDueSyncs(db, now(), (l) => process.stderr.write(l + "\n"));
  for (const o of outcomes) {
    process.stdout.write(
      JSON.stringify({
        connection: o.name,
        status: o.result?.status ?? "SKIPPED",
        rowsRead: o.result?.rowsRead ?? 0,
        error: o.result?.error ?? o.skipped ?? null,
      }) + "\n",
    );
  }
  return outcomes.some((o) => o.result?.status === "FAILED") ? 1 : 0;
}

async function main(argv: string[]): Promise<number> {
  const [cmd, sub, ...rest] = argv;
  if (!cmd || cmd === "help" || cmd === "--help") {
    process.stderr.write(usage() + "\n");
    return cmd ? 0 : 2;
  }
  const db = await dbReady();
  try {
    if (cmd === "connection" && sub === "add") await connectionAdd(db, rest);
    else if (cmd === "sync") await sync(db, [sub ?? "", ...rest].filter(Boolean));
    else if (cmd === "sync-due") return await syncDue(db);
    else
      throw new CliError(`unknown command "${[cmd, sub].filter(Boolean).join(" ")}"\n${usage()}`);
    return 0;
  } finally {
    await db.$disconnect();
  }
}

try {
  process.exit(await main(process.argv.slice(2)));
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`allotment: ${message}\n`);
  process.exit(1);
}
