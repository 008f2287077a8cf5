/**
 * The sync engine: runs one connection's adapter over a window, one transaction per page,
 * cursor saved with each committed page (a crashed run resumes there), a database lease
 * so one connection never syncs twice at once, and a SyncRun row for every attempt.
 */
import { randomUUID } from "node:crypto";

import { SYSTEM_ACTOR, type AuditActor } from "../audit";
import { loadRateTable } from "../currency/load-rates";
import type { Db } from "../db";
import { acquireLease, releaseLease, renewLease } from "../lease";
import { replaceCostLines } from "./cost-lines";
import { applyDirectory } from "./directory";
import { IdentityResolver } from "./identities";
import type { SourceAdapter, SyncWindow } from "./types";
import { writeUsagePage, type WriteCounts } from "./write-usage";

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
  let maxDay: string | null = null;
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

    for await (const page of opts.adapter.pages(opts.window, resumeFrom, {
      signal: opts.signal,
      toUsd: rates.toUsd,
    })) {
      if (opts.signal?.aborted) throw new Error("sync aborted");
      const counts = await db
        .$transaction(async (tx) => {
          const c = await writeUsagePage(
            tx,
            {
              workspaceId: connection.workspaceId,
              connectionId: connection.id,
              runId: run.id,
              usdPerCreditMicros: connection.workspace.usdPerCreditMicros,
              resolver,
            },
            page,
          );
          totals.pages++;
          totals.rowsRead += c.read;
          totals.rowsInserted += c.inserted;
          totals.rowsUpdated += c.updated + c.removed;
          totals.rowsUnchanged += c.unchanged;
          totals.rowsRemoved += c.removed;
          if (page.costLines) {
            await replaceCostLines(
              tx,
              { workspaceId: connection.workspaceId, connectionId: connection.id, runId: run.id },
              page.completeDays,
              page.costLines,
            );
          }
          for (const w of page.warnings ?? []) if (warnings.length < MAX_WARNINGS) warnings.push(w);
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
              cursorJson: page.nextCursor
                ? JSON.stringify({ window: opts.window, cursor: page.nextCursor } satisfies Cursor)
                : null,
            },
          });
          return c;
        }, TX_OPTIONS)
        .catch(async (error: unknown) => {
          // identities mapped inside a rolled-back page are gone again: reload the resolver
          resolver = await IdentityResolver.load(db, connection.workspaceId);
          throw error;
        });
      for (const d of [...page.completeDays, ...page.rows.map((r) => r.day)])
        if (!maxDay || d > maxDay) maxDay = d;
      opts.onPage?.({ label: page.label, counts, pages: totals.pages });
      if (!(await renewLease(db, leaseName, holder, ttl)))
        throw new Error("lost the sync lease to another process");
    }

    await db.$transaction([
      db.syncRun.update({
        where: { id: run.id },
        data: { status: "SUCCEEDED", finishedAt: new Date() },
      }),
      db.connection.update({
        where: { id: connection.id },
        data: {
          lastStatus: "succeeded",
          lastError: null,
          lastSyncAt: new Date(),
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
      data: { status: "FAILED", error: message, finishedAt: new Date() },
    });
    await db.connection.update({
      where: { id: connection.id },
      data: { lastStatus: "failed", lastError: message, lastSyncAt: new Date() },
    });
    return { runId: run.id, status: "FAILED", error: message, ...totals, warnings };
  } finally {
    await releaseLease(db, leaseName, holder);
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
