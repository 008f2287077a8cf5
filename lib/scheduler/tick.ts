/**
 * One scheduler pass over every workspace: syncs that are due, request expiry, alert
 * evaluation and the enforcement queue. Safe to run from any number of app processes at
 * once: a due sync is claimed with a conditional update of its next-run time, the sync
 * itself holds its connection's lease, and periodic jobs are gated by database leases.
 */
import "server-only";
import { randomUUID } from "node:crypto";
import { evaluateAlerts } from "../alerts/evaluate";
import { syncConnection } from "../connections/connections";
import type { Db } from "../db";
import { runEnforcementTick } from "../enforce/tick";
import { SyncBusyError } from "../ingest/sync";
import { acquireLease } from "../lease";
import { expireDueRequests } from "../requests/decide";

export interface TickReport {
  syncs: { connection: string; status: string; error?: string }[];
  expiredRequests: number;
  alertsEvaluated: string[];
  enforcement: string[];
  errors: string[];
}

const ALERT_EVERY_MS = 15 * 60_000;
const SCHEDULED_KINDS = ["openai", "anthropic", "chatgpt", "simulator"] as const;

/** Claims a due connection for this pass; false when another process got it first. */
async function claimDueSync(db: Db, id: string, scheduleMinutes: number, now: Date): Promise<boolean> {
  const claimed = await db.connection.updateMany({
    where: { id, enabled: true, OR: [{ nextSyncAt: null }, { nextSyncAt: { lte: now } }] },
    data: { nextSyncAt: new Date(now.getTime() + scheduleMinutes * 60_000) },
  });
  return claimed.count === 1;
}

export async function schedulerTick(db: Db, opts: { databaseUrl: string; now: Date; log?: (line: string) => void }): Promise<TickReport> {
  const { now } = opts;
  const report: TickReport = { syncs: [], expiredRequests: 0, alertsEvaluated: [], enforcement: [], errors: [] };
  const holder = randomUUID();
  const workspaces = await db.workspace.findMany({ select: { id: true, slug: true } });
  for (const ws of workspaces) {
    const guard = async (what: string, fn: () => Promise<void>) => {
      try {
        await fn();
      } catch (error) {
        const message = `${ws.slug} ${what}: ${error instanceof Error ? error.message : String(error)}`;
        report.errors.push(message);
        opts.log?.(message);
      }
    };
    let synced = false;
    const due = await db.connection.findMany({
      where: { workspaceId: ws.id, enabled: true, scheduleMinutes: { not: null }, kind: { in: [...SCHEDULED_KINDS] }, OR: [{ nextSyncAt: null }, { nextSyncAt: { lte: now } }] },
      select: { id: true, name: true, scheduleMinutes: true },
    });
    for (const c of due) {
      if (!(await claimDueSync(db, c.id, c.scheduleMinutes ?? 60, now))) continue;
      await guard(`sync ${c.name}`, async () => {
        try {
          const result = await syncConnection(db, ws.id, c.id, { databaseUrl: opts.databaseUrl, now, trigger: "schedule", actor: { memberId: null, label: "scheduler" } });
          report.syncs.push({ connection: c.name, status: result.status, ...(result.error ? { error: result.error } : {}) });
          synced ||= result.status === "SUCCEEDED";
        } catch (error) {
          if (error instanceof SyncBusyError) report.syncs.push({ connection: c.name, status: "BUSY" });
          else throw error;
        }
      });
    }
    await guard("request expiry", async () => {
      report.expiredRequests += await expireDueRequests(db, ws.id, now);
    });
    // Alerts after fresh data, and at least every 15 minutes (the lease is the timer).
    if (synced || (await acquireLease(db, `alerts:${ws.id}`, holder, ALERT_EVERY_MS, now))) {
      await guard("alerts", async () => {
        await evaluateAlerts(db, ws.id, now);
        report.alertsEvaluated.push(ws.slug);
      });
    }
    await guard("enforcement", async () => {
      const r = await runEnforcementTick(db, ws.id, { clock: () => now });
      if (r.imported || r.pushes || r.reverts || r.drained.succeeded || r.drained.failed) {
        report.enforcement.push(`${ws.slug}: ${r.imported} imported, ${r.pushes} pushes, ${r.reverts} reverts, ${r.drained.succeeded} written, ${r.drained.failed} failed`);
      }
      report.errors.push(...r.errors.map((e) => `${ws.slug} enforcement: ${e}`));
    });
  }
  return report;
}
