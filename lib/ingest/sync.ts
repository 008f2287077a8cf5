/**
 * The sync engine: runs one connection's adapter over a window, one transaction per page,
 * cursor saved with each committed page (a crashed run resumes there), a database lease
 * so one connection never syncs twice at once, and a SyncRun row for every attempt.
 *
 * A first load or a backfill (the connection has no usage rows in the window yet) takes the
 * bulk path: pages are gathered up to BULK_ROWS rows and committed together, one
 * transaction per batch with its cursor, the rows written day by day and the rollups of
 * the batch's days rebuilt once — the same rows and rollups as page by page
 * (write-usage.ts writeUsagePages), at a fraction of the per-page upkeep. Everything else
 * (the daily sync of recent days, restatements) stays page by page.
 */
import { randomUUID } from "node:crypto";

import { SYSTEM_ACTOR, type AuditActor } from "../audit/audit";
import { loadRateTable } from "../currency/load-rates";
import { now } from "../server/clock";
import type { Db } from "../server/db";
import { acquireLease, releaseLease, renewLease } from "../server/lease";
import { replaceCostLines } from "./cost-lines";
import { deferForeignKeys, restoreForeignKeys } from "./deferred-foreign-keys";
import { deferIndexesIfEmpty, restoreDeferredIndexes } from "./deferred-indexes";
import { applyDirectory } from "./directory";
import { IdentityResolver } from "./identities";
import { replaceOutcomeFacts } from "./outcome-facts";
import type { SourceAdapter, SyncWindow, UsagePage } from "./types";
import { writeUsagePages, type WriteCounts } from "./write-usage";

export class SyncBusyError extends Error {
  constructor(connectionName: string) {
    super(`connection "${connectionName}" is already syncing; try again when that run ends`);
    this.name = "SyncBusyError";
  }
}

export interface SyncOptions {
  db: Db;
  /** @deprecated ignored: the SQL dialect is asked of `db` (engineOf); kept so older callers compile */
  databaseUrl?: string;
  connectionId: string;
  adapter: SourceAdapter;
  window: SyncWindow;
  trigger?: string;
  actor?: AuditActor;
  /** progress line per committed page */
  onPage?: (p: { label: string; counts: WriteCounts; pages: number }) => void;
  signal?: AbortSignal;
  /** ms a lease lives without renewal (renewed after every page) */
  leaseTtlMs?: number;
  /** "auto" (default): bulk when the connection has no usage rows in the window yet */
  mode?: "auto" | "bulk" | "incremental";
  /** rows per bulk transaction (default BULK_ROWS; tests make it small) */
  bulkRows?: number;
}

export interface SyncResult {
  runId: string;
  status: "SUCCEEDED" | "FAILED";
  pages: number;
  rowsRead: number;
  rowsInserted: number;
  rowsUpdated: number;
  rowsUnchanged: number;
  rowsRemoved: number;
  /** run-log warnings (values the format allows that we had to interpret): no rate, no amount */
  warnings: string[];
  error?: string;
}

/** The run log keeps at most this many warning lines (a long window of one missing rate repeats). */
const MAX_WARNINGS = 200;

const TX_OPTIONS = { maxWait: 30_000, timeout: 300_000 } as const;

/** Rows gathered per bulk transaction: large enough that per-batch upkeep (month rollups,
 * run bookkeeping) vanishes per row, small enough to hold in memory (~100 MB at most). */
export const BULK_ROWS = 100_000;

interface Cursor {
  window: SyncWindow;
  cursor: string;
}

export async function runSync(opts: SyncOptions): Promise<SyncResult> {
  const { db } = opts;
  const connection = await db.connection.findUniqueOrThrow({
    where: { id: opts.connectionId },
    include: { workspace: true },
  });
  const leaseName = `sync:${connection.id}`;
  const holder = randomUUID();
  const ttl = opts.leaseTtlMs ?? 120_000;
  if (!(await acquireLease(db, leaseName, holder, ttl))) throw new SyncBusyError(connection.name);

  const run = await db.syncRun.create({
    data: {
      workspaceId: connection.workspaceId,
      connectionId: connection.id,
      windowStart: opts.window.start,
      windowEnd: opts.window.end,
      trigger: opts.trigger ?? "manual",
      // the app's clock, as every date the app writes (run history orders by it, then id)
      startedAt: now(),
    },
  });
  const totals = {
    pages: 0,
    rowsRead: 0,
    rowsInserted: 0,
    rowsUpdated: 0,
    rowsUnchanged: 0,
    rowsRemoved: 0,
  };
  let maxDay = null as string | null; // set inside commit(), which TypeScript does not follow
  let deferred = false;
  const warnings: string[] = [];
  try {
    // Resume only a run of the same window that stopped part-way.
    const saved = parseCursor(connection.cursorJson);
    const resumeFrom =
      saved && saved.window.start === opts.window.start && saved.window.end === opts.window.end
        ? saved.cursor
        : null;

    if (opts.adapter.directory) {
      const directory = await opts.adapter.directory({ signal: opts.signal });
      await db.$transaction(
        (tx) => applyDirectory(tx, connection.workspaceId, directory, opts.actor ?? SYSTEM_ACTOR),
        TX_OPTIONS,
      );
    }
    let resolver = await IdentityResolver.load(db, connection.workspaceId);
    const rates = await loadRateTable(db, connection.workspaceId);
    const bulk =
      opts.mode === "bulk" ||
      (opts.mode !== "incremental" && !(await hasUsageIn(db, connection.id, opts.window)));
    // a first load into an empty usage table builds the member-ordered indexes and (on
    // PostgreSQL) checks the foreign keys at its end (deferred-indexes.ts,
    // deferred-foreign-keys.ts); put back first any that a crashed load left out
    await restoreForeignKeys(db);
    await restoreDeferredIndexes(db);
    deferred = bulk && (await deferIndexesIfEmpty(db));
    if (deferred) await deferForeignKeys(db);

    /** Commits the gathered pages in one transaction, with the last page's cursor. */
    const commit = async (batch: UsagePage[]) => {
      const last = batch[batch.length - 1]!;
      const counts = await db
        .$transaction(async (tx) => {
          const c = await writeUsagePages(
            tx,
            {
              workspaceId: connection.workspaceId,
              connectionId: connection.id,
              runId: run.id,
              usdPerCreditMicros: connection.workspace.usdPerCreditMicros,
              resolver,
            },
            batch,
          );
          totals.pages += batch.length;
          totals.rowsRead += c.read;
          totals.rowsInserted += c.inserted;
          totals.rowsUpdated += c.updated + c.removed;
          totals.rowsUnchanged += c.unchanged;
          totals.rowsRemoved += c.removed;
          for (const page of batch) {
            if (page.costLines) {
              await replaceCostLines(
                tx,
                { workspaceId: connection.workspaceId, connectionId: connection.id, runId: run.id },
                page.completeDays,
                page.costLines,
              );
            }
            if (page.outcomes)
              await replaceOutcomeFacts(
                tx,
                {
                  workspaceId: connection.workspaceId,
                  connectionId: connection.id,
                  runId: run.id,
                  resolver,
                },
                page.completeDays,
                page.outcomes,
              );
            for (const w of page.warnings ?? [])
              if (warnings.length < MAX_WARNINGS) warnings.push(w);
          }
          await tx.syncRun.update({
            where: { id: run.id },
            data: {
              pages: totals.pages,
              rowsRead: totals.rowsRead,
              rowsInserted: totals.rowsInserted,
              rowsUpdated: totals.rowsUpdated,
              rowsUnchanged: totals.rowsUnchanged,
              warnings: warnings.join("\n"),
            },
          });
          // usage caches (budget check, limits) are checked against this version
          await tx.workspace.update({
            where: { id: connection.workspaceId },
            data: { usageVersion: { increment: 1 } },
            select: { id: true },
          });
          await tx.connection.update({
            where: { id: connection.id },
            data: {
              cursorJson: last.nextCursor
                ? JSON.stringify({ window: opts.window, cursor: last.nextCursor } satisfies Cursor)
                : null,
            },
          });
          return c;
        }, TX_OPTIONS)
        .catch(async (error: unknown) => {
          // identities mapped inside a rolled-back batch are gone again: reload the resolver
          resolver = await IdentityResolver.load(db, connection.workspaceId);
          throw error;
        });
      for (const page of batch)
        for (const d of [...page.completeDays, ...page.rows.map((r) => r.day)])
          if (!maxDay || d > maxDay) maxDay = d;
      opts.onPage?.({ label: last.label, counts, pages: totals.pages });
    };

    let gathered: UsagePage[] = [];
    let gatheredRows = 0;
    const flush = async () => {
      const batch = gathered;
      gathered = []; // emptied first: a batch whose commit failed is not tried again below
      gatheredRows = 0;
      if (batch.length) await commit(batch);
    };
    try {
      for await (const page of opts.adapter.pages(opts.window, resumeFrom, {
        signal: opts.signal,
        toUsd: rates.toUsd,
      })) {
        if (opts.signal?.aborted) throw new Error("sync aborted");
        gathered.push(page);
        gatheredRows += page.rows.length;
        if (!bulk || gatheredRows >= (opts.bulkRows ?? BULK_ROWS)) await flush();
        // renewed per page, not per commit: gathering a bulk batch from a slow API takes a while
        if (!(await renewLease(db, leaseName, holder, ttl))) {
          gathered = []; // another process may be syncing now: write nothing more
          throw new Error("lost the sync lease to another process");
        }
      }
    } catch (error) {
      // the pages gathered before a bad page or an abort are good: keep them, as page by page
      // would have, so the run resumes after them
      await flush();
      throw error;
    }
    await flush();

    await db.$transaction([
      db.syncRun.update({
        where: { id: run.id },
        data: { status: "SUCCEEDED", finishedAt: now() },
      }),
      db.connection.update({
        where: { id: connection.id },
        data: {
          lastStatus: "succeeded",
          lastError: null,
          lastSyncAt: now(),
          cursorJson: null,
          ...(maxDay && (!connection.dataAsOf || maxDay > connection.dataAsOf)
            ? { dataAsOf: maxDay }
            : {}),
          ...(!connection.syncedThrough || opts.window.end > connection.syncedThrough
            ? { syncedThrough: opts.window.end }
            : {}),
        },
      }),
    ]);
    return { runId: run.id, status: "SUCCEEDED", ...totals, warnings };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await db.syncRun.update({
      where: { id: run.id },
      data: { status: "FAILED", error: message, finishedAt: now() },
    });
    await db.connection.update({
      where: { id: connection.id },
      data: { lastStatus: "failed", lastError: message, lastSyncAt: now() },
    });
    return { runId: run.id, status: "FAILED", error: message, ...totals, warnings };
  } finally {
    try {
      if (deferred) {
        await restoreForeignKeys(db);
        await restoreDeferredIndexes(db);
      }
    } finally {
      await releaseLease(db, leaseName, holder);
    }
  }
}

function parseCursor(text: string | null): Cursor | null {
  if (!text) return null;
  try {
    const v = JSON.parse(text) as Cursor;
    return typeof v?.cursor === "string" && v.window ? v : null;
  } catch {
    return null;
  }
}

/** Whether the connection already has usage rows in the window (then it syncs page by page). */
async function hasUsageIn(db: Db, connectionId: string, window: SyncWindow): Promise<boolean> {
  const row = await db.usageRecord.findFirst({
    where: { connectionId, day: { gte: window.start, lte: window.end } },
    select: { id: true },
  });
  return row !== null;
}
