/**
 * The periodic enforcement work of a workspace: import Claude requests, queue the vendor side
 * of decided requests, refresh the vendor state now and then, reconcile every switched-on
 * vendor with Allotment (reverts of ended grants, budget re-splits, lowerings, retries: see
 * reconcile.ts), and drain the queue. Safe to run from several processes: jobs are leased.
 */
import "server-only";

import { now as clockNow } from "../server/clock";
import type { Db } from "../server/db";
import { syncGithubSharedBudgets } from "./github";
import { desiredLimits } from "./plan-desired";
import { reconcileConnector } from "./reconcile";
import { drainQueue, enqueueJob, type DrainResult } from "./vendor-job-queue";
import { decideAction, limitJobOf, revertAtFor } from "./vendor-override";
import { importClaudeRequests, queueDecidedRequests } from "./vendor-requests";
import { readVendor } from "./vendor-state";

export interface TickResult {
  imported: number;
  reverts: number;
  pushes: number;
  drained: DrainResult;
  errors: string[];
}

const DRIFT_EVERY_MS = 10 * 60_000;

/** Approved requests from the ChatGPT request page: push the member's new limit (a decided request authorises it). */
export async function queueChatgptGrants(db: Db, connectorId: string, now: Date): Promise<number> {
  const c = await db.vendorConnector.findUniqueOrThrow({ where: { id: connectorId } });
  const approved = await db.creditRequest.findMany({
    where: {
      workspaceId: c.workspaceId,
      source: "chatgpt",
      status: "APPROVED",
      decidedAt: { gte: new Date(now.getTime() - 40 * 86_400_000) },
    },
    select: { id: true, requesterId: true },
  });
  const done = new Set(
    (
      await db.vendorJob.findMany({
        where: { connectorId, idempotencyKey: { in: approved.map((r) => `request:${r.id}`) } },
        select: { idempotencyKey: true },
      })
    ).map((j) => j.idempotencyKey),
  );
  const todo = approved.filter((r) => !done.has(`request:${r.id}`));
  if (!todo.length) return 0;
  const memberIds = todo.map((r) => r.requesterId);
  const snap = await readVendor(db, c, { memberIds, now });
  const desired = await desiredLimits(db, c, snap.unit, now, memberIds);
  let queued = 0;
  for (const r of todo) {
    const o = snap.byMember.get(r.requesterId);
    const d = desired.get(r.requesterId);
    if (!o || !d) continue;
    const action = decideAction("chatgpt", d, o, now);
    if (action.kind === "none") continue;
    const revertAt = revertAtFor("chatgpt", action, d.expiresAt);
    const added = await db.$transaction((tx) =>
      enqueueJob(tx, {
        workspaceId: c.workspaceId,
        connectorId,
        ...limitJobOf(action, revertAt),
        memberId: r.requesterId,
        vendorUserId: o.vendorUserId,
        idempotencyKey: `request:${r.id}`,
        reason: `request #${r.id} approved: ${d.reason}`,
        createdBy: "system (approved request)",
        now,
      }),
    );
    if (added) queued++;
  }
  return queued;
}

export async function runEnforcementTick(
  db: Db,
  workspaceId: string,
  opts: { clock?: () => Date; budgetMs?: number } = {},
): Promise<TickResult> {
  const clock = opts.clock ?? clockNow;
  const result: TickResult = {
    imported: 0,
    reverts: 0,
    pushes: 0,
    drained: { succeeded: 0, skipped: 0, failed: 0, retried: 0 },
    errors: [],
  };
  const connectors = await db.vendorConnector.findMany({ where: { workspaceId, enabled: true } });
  for (const c of connectors) {
    try {
      if (c.vendor === "claude") {
        result.imported += (await importClaudeRequests(db, c, clock())).imported;
        result.pushes += await queueDecidedRequests(db, c, clock());
      } else if (c.vendor === "chatgpt") {
        result.pushes += await queueChatgptGrants(db, c.id, clock());
      }
      if (!c.lastReadAt || clock().getTime() - c.lastReadAt.getTime() > DRIFT_EVERY_MS)
        await readVendor(db, c, { now: clock() });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      result.errors.push(`${c.name}: ${message}`);
      await db.vendorConnector.update({ where: { id: c.id }, data: { lastError: message } });
    }
    if (c.vendor === "github")
      try {
        // the universal and cost-center budgets first; people then differ from them only by individual budgets
        if ((await syncGithubSharedBudgets(db, c, clock())).writes)
          await readVendor(db, c, { now: clock() });
      } catch (error) {
        result.errors.push(`${c.name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    try {
      // from the stored vendor state against Allotment now (also when this tick's read failed):
      // reverts, re-splits, grants from any vendor, retries
      const r = await reconcileConnector(db, c, clock());
      result.reverts += r.reverts;
      result.pushes += r.queued - r.reverts;
    } catch (error) {
      result.errors.push(`${c.name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  result.drained = await drainQueue(db, { workspaceId, clock, budgetMs: opts.budgetMs });
  // raises wait for other vendors' lowerings (capRaises): once those landed, one more pass
  // lets the waiting raises go in the same run instead of the next one
  if (result.drained.succeeded > 0) {
    let queued = 0;
    for (const c of connectors) {
      try {
        queued += (await reconcileConnector(db, c, clock())).queued;
      } catch (error) {
        result.errors.push(`${c.name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    if (queued) {
      result.pushes += queued;
      const more = await drainQueue(db, { workspaceId, clock, budgetMs: opts.budgetMs });
      for (const k of ["succeeded", "skipped", "failed", "retried"] as const)
        result.drained[k] += more[k];
    }
  }
  return result;
}
