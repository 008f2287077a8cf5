/**
 * One scheduler pass: syncs that are due (lib/connections/scheduler.ts claims each with a
 * conditional update, so racing processes never run one twice), then per workspace request
 * expiry, alert evaluation and the enforcement queue. Periodic jobs are gated by database
 * leases, so any number of app processes may run passes at once.
 */
import "server-only";

import { randomUUID } from "node:crypto";

import { retryDueDeliveries } from "../alerts/deliver";
import { evaluateAlerts } from "../alerts/evaluate";
import { runDueSyncs } from "../connections/scheduler";
import { runWeeklyDigests } from "../digest/send";
import { runEnforcementTick } from "../enforce/enforcement-tick";
import { expireDueRequests } from "../requests/decide-credit-request";
import type { Db } from "../server/db";
import { acquireLease } from "../server/lease";
import { retrySlackPosts } from "../slack/announce";
import { retrySlackUpdates } from "../slack/follow-decision";

export interface TickReport {
  syncs: { connection: string; status: string; error?: string }[];
  expiredRequests: number;
  alertsEvaluated: string[];
  enforcement: string[];
  errors: string[];
}

const ALERT_EVERY_MS = 15 * 60_000;

export async function schedulerTick(
  db: Db,
  opts: { now: Date; log?: (line: string) => void },
): Promise<TickReport> {
  const { now } = opts;
  const report: TickReport = {
    syncs: [],
    expiredRequests: 0,
    alertsEvaluated: [],
    enforcement: [],
    errors: [],
  };
  const holder = randomUUID();
  const freshData = new Set<string>();
  try {
    const connections = new Map(
      (await db.connection.findMany({ select: { id: true, workspaceId: true } })).map((c) => [
        c.id,
        c.workspaceId,
      ]),
    );
    for (const o of await runDueSyncs(db, now, opts.log)) {
      report.syncs.push({
        connection: o.name,
        status: o.result?.status ?? "SKIPPED",
        ...(o.result?.error ? { error: o.result.error } : {}),
      });
      if (o.result?.status === "SUCCEEDED") freshData.add(connections.get(o.connectionId) ?? "");
    }
  } catch (error) {
    report.errors.push(`syncs: ${error instanceof Error ? error.message : String(error)}`);
  }
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
    await guard("request expiry", async () => {
      report.expiredRequests += await expireDueRequests(db, ws.id, now);
    });
    // Alerts after fresh data, and at least every 15 minutes (the lease is the timer).
    if (
      freshData.has(ws.id) ||
      (await acquireLease(db, `alerts:${ws.id}`, holder, ALERT_EVERY_MS, now))
    ) {
      await guard("alerts", async () => {
        await evaluateAlerts(db, ws.id, now);
        report.alertsEvaluated.push(ws.slug);
      });
    }
    // deliveries that failed transiently get their next attempt here, never in a person's request
    await guard("alert delivery retries", async () => {
      await retryDueDeliveries(db, ws.id, now);
    });
    // Slack posts that failed transiently, and the weekly manager digest (once per manager and week)
    await guard("slack posts", async () => {
      await retrySlackPosts(db, ws.id, now);
      await retrySlackUpdates(db, ws.id, now);
    });
    await guard("manager digest", async () => {
      await runWeeklyDigests(db, ws.id, now);
    });
    await guard("enforcement", async () => {
      const r = await runEnforcementTick(db, ws.id, { clock: () => now });
      if (r.imported || r.pushes || r.reverts || r.drained.succeeded || r.drained.failed) {
        report.enforcement.push(
          `${ws.slug}: ${r.imported} imported, ${r.pushes} pushes, ${r.reverts} reverts, ${r.drained.succeeded} written, ${r.drained.failed} failed`,
        );
      }
      report.errors.push(...r.errors.map((e) => `${ws.slug} enforcement: ${e}`));
    });
  }
  return report;
}
