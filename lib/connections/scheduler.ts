import "server-only";

import { SyncBusyError, type SyncResult } from "../ingest/sync";
/**
 * Scheduled syncs: any process (a cron calling `allotment sync-due`, or several app
 * instances) may call runDueSyncs; a connection is claimed by a conditional update of its
 * nextSyncAt, so each due sync runs once even when callers race, and the sync lease still
 * guards against overlap with a manual run.
 */
import type { Db } from "../server/db";
import { syncConnection } from "./connections";

export interface DueSyncOutcome {
  connectionId: string;
  name: string;
  result?: SyncResult;
  skipped?: string;
}

export async function runDueSyncs(
  db: Db,
  now: Date,
  log?: (line: string) => void,
): Promise<DueSyncOutcome[]> {
  const due = await db.connection.findMany({
    where: {
      enabled: true,
      scheduleMinutes: { not: null },
      kind: {
        in: ["openai", "anthropic", "simulator", "chatgpt", "github_copilot", "cursor", "codex"],
      },
      OR: [{ nextSyncAt: null }, { nextSyncAt: { lte: now } }],
    },
    orderBy: { nextSyncAt: "asc" },
  });
  const outcomes: DueSyncOutcome[] = [];
  for (const c of due) {
    const next = new Date(now.getTime() + c.scheduleMinutes! * 60_000);
    const claimed = await db.connection.updateMany({
      where: { id: c.id, nextSyncAt: c.nextSyncAt },
      data: { nextSyncAt: next },
    });
    if (claimed.count !== 1) {
      outcomes.push({ connectionId: c.id, name: c.name, skipped: "claimed by another scheduler" });
      continue;
    }
    try {
      log?.(`sync "${c.name}" (${c.kind})`);
      const result = await syncConnection(db, c.workspaceId, c.id, {
        now,
        trigger: "schedule",
      });
      outcomes.push({ connectionId: c.id, name: c.name, result });
    } catch (error) {
      if (!(error instanceof SyncBusyError)) throw error;
      outcomes.push({ connectionId: c.id, name: c.name, skipped: error.message });
    }
  }
  return outcomes;
}
