import "server-only";

/**
 * Connections: create / edit / enable-disable (each with its audit event in the same
 * transaction), the masked DTO the UI sees, and running a sync for one. The admin key is
 * encrypted before it reaches the database and never leaves this module in plain text.
 */
import { z } from "zod";

import { writeAudit, type AuditActor } from "../audit/audit";
import { InvalidInputError, NotFoundError } from "../core/errors";
import { addDays, isDayKey, toDayKey } from "../core/period";
import { encryptSecret, keyHint, maskKey } from "../crypto/secrets";
import { codexConfigSchema, type CodexConfig } from "../ingest/adapters/codex-analytics";
import { runSync, type SyncResult } from "../ingest/sync";
import type { WriteCounts } from "../ingest/write-usage";
import { loadRateCard } from "../ratecard/load-rate-card";
import type { Db } from "../server/db";
import { adapterFor, type AdapterExtras } from "./adapter-for";

export const CONNECTION_KINDS = ["openai", "anthropic", "file", "cursor", "codex"] as const;
/** days providers still revise: every incremental sync re-reads them */
export const TRAILING_DAYS = 3;

const name = z.string().trim().min(1, "Name is required").max(80);
const baseUrl = z
  .string()
  .trim()
  .max(500)
  .refine((v) => v === "" || /^https?:\/\/[^\s]+$/.test(v), "Base URL must be an http(s) URL")
  .optional();
const day = z.string().refine(isDayKey, "expected a day YYYY-MM-DD");

/**
 * An Anthropic connection's API: the legacy Admin usage & cost reports ("admin", the default)
 * or the Usage & Cost Analytics API (beta, "analytics"); and, for analytics, whether people's
 * claude.ai product use is invoiced per use or covered by seat fees. Kept in configJson.
 */
export const anthropicOptionsSchema = z.object({
  api: z.enum(["admin", "analytics"]).optional(),
  seatUsage: z.enum(["invoiced", "included"]).optional(),
});
export type AnthropicOptions = z.infer<typeof anthropicOptionsSchema>;

export const createConnectionSchema = z.object({
  kind: z.enum(CONNECTION_KINDS),
  name,
  baseUrl,
  apiKey: z.string().trim().max(500).optional(),
  backfillFrom: day.optional(),
  scheduleMinutes: z
    .number()
    .int()
    .min(15)
    .max(7 * 24 * 60)
    .nullable()
    .optional(),
  /** Anthropic only */
  anthropic: anthropicOptionsSchema.optional(),
  /** Codex Analytics only (required there): the ChatGPT workspace and the paging parameter */
  codex: codexConfigSchema.optional(),
});
export type CreateConnectionInput = z.infer<typeof createConnectionSchema>;

export const updateConnectionSchema = z.object({
  id: z.string().min(1).max(64),
  name: name.optional(),
  baseUrl,
  /** a new key replaces the stored one; absent or "" keeps it */
  apiKey: z.string().trim().max(500).optional(),
  enabled: z.boolean().optional(),
  scheduleMinutes: z
    .number()
    .int()
    .min(15)
    .max(7 * 24 * 60)
    .nullable()
    .optional(),
  /** Anthropic only; merged into the stored options */
  anthropic: anthropicOptionsSchema.optional(),
});
export type UpdateConnectionInput = z.infer<typeof updateConnectionSchema>;

export interface ConnectionDto {
  id: string;
  kind: string;
  name: string;
  baseUrl: string | null;
  keyMasked: string;
  enabled: boolean;
  scheduleMinutes: number | null;
  lastStatus: string | null;
  lastError: string | null;
  lastSyncAt: string | null;
  dataAsOf: string | null;
  syncedThrough: string | null;
  backfillFrom: string | null;
  /** Anthropic connections: which API they read */
  anthropic?: AnthropicOptions;
  /** Codex Analytics connections: the ChatGPT workspace read */
  codex?: CodexConfig;
}

function codexOptionsOf(c: { kind: string; configJson: string }): CodexConfig | undefined {
  if (c.kind !== "codex") return undefined;
  try {
    const parsed = codexConfigSchema.safeParse(JSON.parse(c.configJson || "{}"));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function anthropicOptionsOf(c: { kind: string; configJson: string }): AnthropicOptions | undefined {
  if (c.kind !== "anthropic") return undefined;
  try {
    const parsed = anthropicOptionsSchema.safeParse(JSON.parse(c.configJson || "{}"));
    return parsed.success
      ? {
          api: parsed.data.api ?? "admin",
          ...(parsed.data.seatUsage ? { seatUsage: parsed.data.seatUsage } : {}),
        }
      : undefined;
  } catch {
    return undefined;
  }
}

type ConnectionRow = Awaited<ReturnType<Db["connection"]["findFirstOrThrow"]>>;

export function toConnectionDto(c: ConnectionRow): ConnectionDto {
  return {
    id: c.id,
    kind: c.kind,
    name: c.name,
    baseUrl: c.baseUrl,
    keyMasked: maskKey(c.keyHint),
    enabled: c.enabled,
    scheduleMinutes: c.scheduleMinutes,
    lastStatus: c.lastStatus,
    lastError: c.lastError,
    lastSyncAt: c.lastSyncAt?.toISOString() ?? null,
    dataAsOf: c.dataAsOf,
    syncedThrough: c.syncedThrough,
    backfillFrom: c.backfillFrom,
    ...(c.kind === "anthropic" ? { anthropic: anthropicOptionsOf(c) } : {}),
    ...(c.kind === "codex" ? { codex: codexOptionsOf(c) } : {}),
  };
}

/** What the audit log may say about a connection: never the key. */
function auditView(c: ConnectionRow) {
  return {
    kind: c.kind,
    name: c.name,
    baseUrl: c.baseUrl,
    key: maskKey(c.keyHint),
    enabled: c.enabled,
    scheduleMinutes: c.scheduleMinutes,
    ...(c.kind === "anthropic" ? { anthropic: anthropicOptionsOf(c) } : {}),
    ...(c.kind === "codex" ? { codex: codexOptionsOf(c) } : {}),
  };
}

export async function listConnections(db: Db, workspaceId: string): Promise<ConnectionDto[]> {
  const rows = await db.connection.findMany({
    where: { workspaceId, archivedAt: null, kind: { in: [...CONNECTION_KINDS, "simulator"] } },
    orderBy: { createdAt: "asc" },
  });
  return rows.map(toConnectionDto);
}

export async function getConnection(
  db: Db,
  workspaceId: string,
  id: string,
): Promise<ConnectionRow> {
  // an archived connection is gone for every purpose but its history
  const c = await db.connection.findFirst({ where: { id, workspaceId, archivedAt: null } });
  if (!c) throw new NotFoundError("Connection not found");
  return c;
}

export async function findConnectionByName(
  db: Db,
  workspaceId: string | null,
  name: string,
): Promise<ConnectionRow> {
  const matches = await db.connection.findMany({
    where: { name, archivedAt: null, ...(workspaceId ? { workspaceId } : {}) },
  });
  if (matches.length === 0) throw new NotFoundError(`no connection named "${name}"`);
  if (matches.length > 1)
    throw new InvalidInputError(
      `several workspaces have a connection named "${name}": add --workspace`,
    );
  return matches[0]!;
}

export async function createConnection(
  db: Db,
  workspaceId: string,
  input: CreateConnectionInput,
  actor: AuditActor,
): Promise<ConnectionDto> {
  const data = createConnectionSchema.parse(input);
  if (data.kind !== "file" && !data.apiKey)
    throw new InvalidInputError("An admin key is required", "apiKey");
  if (data.anthropic && data.kind !== "anthropic")
    throw new InvalidInputError(
      "Anthropic options apply to Anthropic connections only",
      "anthropic",
    );
  if (data.codex && data.kind !== "codex")
    throw new InvalidInputError("Codex options apply to Codex Analytics connections only", "codex");
  if (data.kind === "codex" && !data.codex)
    throw new InvalidInputError("The ChatGPT workspace id is required", "codex.workspaceId");
  const clash = await db.connection.findFirst({
    where: { workspaceId, name: data.name },
    select: { id: true },
  });
  if (clash)
    throw new InvalidInputError(`A connection named "${data.name}" already exists`, "name");
  const created = await db.$transaction(async (tx) => {
    const c = await tx.connection.create({
      data: {
        workspaceId,
        kind: data.kind,
        name: data.name,
        baseUrl: data.baseUrl || null,
        encryptedKey: data.apiKey ? encryptSecret(data.apiKey) : null,
        keyHint: data.apiKey ? keyHint(data.apiKey) : null,
        backfillFrom: data.backfillFrom ?? null,
        scheduleMinutes: data.scheduleMinutes ?? null,
        ...(data.anthropic ? { configJson: JSON.stringify(data.anthropic) } : {}),
        ...(data.codex ? { configJson: JSON.stringify(data.codex) } : {}),
      },
    });
    await writeAudit(tx, {
      workspaceId,
      actor,
      action: "connection.create",
      targetType: "Connection",
      targetId: c.id,
      after: auditView(c),
    });
    return c;
  });
  return toConnectionDto(created);
}

export async function updateConnection(
  db: Db,
  workspaceId: string,
  input: UpdateConnectionInput,
  actor: AuditActor,
): Promise<ConnectionDto> {
  const data = updateConnectionSchema.parse(input);
  const updated = await db.$transaction(async (tx) => {
    const before = await tx.connection.findFirst({
      where: { id: data.id, workspaceId, archivedAt: null },
    });
    if (!before) throw new NotFoundError("Connection not found");
    if (data.name && data.name !== before.name) {
      const clash = await tx.connection.findFirst({
        where: { workspaceId, name: data.name },
        select: { id: true },
      });
      if (clash)
        throw new InvalidInputError(`A connection named "${data.name}" already exists`, "name");
    }
    if (data.anthropic && before.kind !== "anthropic")
      throw new InvalidInputError(
        "Anthropic options apply to Anthropic connections only",
        "anthropic",
      );
    // the stored key was given for one host: never send it to another one
    const movesHost = data.baseUrl !== undefined && (data.baseUrl || null) !== before.baseUrl;
    if (movesHost && before.encryptedKey && !data.apiKey) {
      throw new InvalidInputError(
        "A new base URL needs the admin key again: the stored key is only ever sent to the host it was given for",
        "apiKey",
      );
    }
    const after = await tx.connection.update({
      where: { id: before.id },
      data: {
        ...(data.name ? { name: data.name } : {}),
        ...(data.baseUrl !== undefined ? { baseUrl: data.baseUrl || null } : {}),
        ...(data.apiKey
          ? { encryptedKey: encryptSecret(data.apiKey), keyHint: keyHint(data.apiKey) }
          : {}),
        ...(data.enabled !== undefined ? { enabled: data.enabled } : {}),
        ...(data.scheduleMinutes !== undefined ? { scheduleMinutes: data.scheduleMinutes } : {}),
        ...(data.anthropic
          ? {
              configJson: JSON.stringify({
                ...(JSON.parse(before.configJson || "{}") as object),
                ...data.anthropic,
              }),
            }
          : {}),
      },
    });
    const action =
      data.enabled === false && before.enabled
        ? "connection.disable"
        : data.enabled === true && !before.enabled
          ? "connection.enable"
          : "connection.update";
    await writeAudit(tx, {
      workspaceId,
      actor,
      action,
      targetType: "Connection",
      targetId: before.id,
      before: auditView(before),
      after: { ...auditView(after), ...(data.apiKey ? { keyReplaced: true } : {}) },
    });
    return after;
  });
  return toConnectionDto(updated);
}

/**
 * Archives ("deletes") a connection: it never syncs again and leaves the list, while its sync
 * runs and usage rows stay — the spend it reported was real. Its name is freed (renamed
 * "<name> (archived <day>)") so a connection can be added again under the old name. Refused
 * while a sync of it runs. The audit event commits with the change.
 */
export async function archiveConnection(
  db: Db,
  workspaceId: string,
  id: string,
  actor: AuditActor,
  now: Date,
): Promise<{ id: string; name: string; archivedAs: string }> {
  return db.$transaction(async (tx) => {
    const before = await tx.connection.findFirst({ where: { id, workspaceId, archivedAt: null } });
    if (!before) throw new NotFoundError("Connection not found");
    const running = await tx.syncRun.count({ where: { connectionId: id, status: "RUNNING" } });
    if (running > 0)
      throw new InvalidInputError(
        `A sync of "${before.name}" is running: archive it when the run has ended`,
      );
    let archivedAs = `${before.name} (archived ${toDayKey(now)})`;
    const clash = await tx.connection.findFirst({
      where: { workspaceId, name: archivedAs },
      select: { id: true },
    });
    if (clash) archivedAs = `${archivedAs} ${before.id}`;
    // conditional: of two archive clicks, one archives and the other finds nothing
    const changed = await tx.connection.updateMany({
      where: { id, archivedAt: null },
      data: { archivedAt: now, enabled: false, nextSyncAt: null, name: archivedAs },
    });
    if (changed.count !== 1) throw new NotFoundError("Connection not found");
    await writeAudit(tx, {
      workspaceId,
      actor,
      action: "connection.archive",
      targetType: "Connection",
      targetId: id,
      before: auditView(before),
      after: { ...auditView({ ...before, enabled: false, name: archivedAs }), archived: true },
      at: now,
    });
    return { id, name: before.name, archivedAs };
  });
}

/** The window a sync reads: an explicit one, or from the last synced day minus the trailing days providers revise. */
export function syncWindowFor(
  c: { syncedThrough: string | null; backfillFrom: string | null },
  today: string,
  since?: string,
  until?: string,
) {
  const end = until ?? today;
  const start =
    since ??
    (c.syncedThrough
      ? addDays(c.syncedThrough, -TRAILING_DAYS)
      : (c.backfillFrom ?? addDays(today, -30)));
  if (start > end) throw new InvalidInputError(`--since ${start} is after --until ${end}`);
  return { start, end };
}

export interface SyncConnectionOptions {
  /** @deprecated ignored: the SQL dialect is asked of `db`; kept so older callers compile */
  databaseUrl?: string;
  since?: string;
  until?: string;
  now: Date;
  trigger?: string;
  actor?: AuditActor;
  file?: AdapterExtras["file"];
  onPage?: (p: { label: string; counts: WriteCounts; pages: number }) => void;
  log?: (line: string) => void;
}

export async function syncConnection(
  db: Db,
  workspaceId: string,
  connectionId: string,
  opts: SyncConnectionOptions,
): Promise<SyncResult> {
  const c = await getConnection(db, workspaceId, connectionId);
  if (!c.enabled) throw new InvalidInputError(`connection "${c.name}" is disabled`);
  const window = syncWindowFor(c, toDayKey(opts.now), opts.since, opts.until);
  const rateCard = await loadRateCard(db, workspaceId);
  const { usdPerCreditMicros } = await db.workspace.findUniqueOrThrow({
    where: { id: workspaceId },
    select: { usdPerCreditMicros: true },
  });
  const adapter = adapterFor(c, { rateCard, file: opts.file, usdPerCreditMicros });
  return runSync({
    db,
    connectionId: c.id,
    adapter,
    window,
    trigger: opts.trigger,
    actor: opts.actor,
    onPage: opts.onPage,
  });
}

export async function testConnection(
  db: Db,
  workspaceId: string,
  connectionId: string,
): Promise<{ ok: boolean; detail: string }> {
  const c = await getConnection(db, workspaceId, connectionId);
  try {
    // a person is waiting: one attempt with a short deadline, like an alert channel's "Send test"
    const adapter = adapterFor(c, {
      rateCard: await loadRateCard(db, workspaceId),
      retry: { attempts: 1, timeoutMs: 5_000 },
    });
    return await adapter.testConnection({});
  } catch (error) {
    return { ok: false, detail: error instanceof Error ? error.message : String(error) };
  }
}

export async function listRuns(db: Db, workspaceId: string, connectionId?: string, take = 20) {
  const runs = await db.syncRun.findMany({
    where: { workspaceId, ...(connectionId ? { connectionId } : {}) },
    // runs started at the same instant (a pinned clock) in the order they were created
    orderBy: [{ startedAt: "desc" }, { id: "desc" }],
    take,
    include: { connection: { select: { name: true } } },
  });
  return runs.map((r) => ({
    id: r.id,
    connectionId: r.connectionId,
    connectionName: r.connection.name,
    windowStart: r.windowStart,
    windowEnd: r.windowEnd,
    status: r.status,
    trigger: r.trigger,
    pages: r.pages,
    rowsRead: r.rowsRead,
    rowsInserted: r.rowsInserted,
    rowsUpdated: r.rowsUpdated,
    rowsUnchanged: r.rowsUnchanged,
    error: r.error,
    startedAt: r.startedAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
  }));
}
