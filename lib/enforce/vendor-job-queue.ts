/**
 * The vendor push queue, in the database: jobs survive restarts, a crashed worker's job is
 * taken over when its row lease runs out, one worker per connector at a time (a DB lease),
 * the vendor's rate budget is shared through the database, 429s park the connector until
 * Retry-After, transient failures retry with backoff, and every job re-reads the vendor
 * right before writing so a job whose change is already in place writes nothing.
 */
import "server-only";

import { randomUUID } from "node:crypto";

import { SYSTEM_ACTOR, writeAudit, type AuditActor } from "../audit/audit";
import { toJsonText } from "../core/json";
import { now as clockNow } from "../server/clock";
import type { Db, Tx } from "../server/db";
import { acquireLease, isUniqueViolation, releaseLease } from "../server/lease";
import { VendorError } from "../vendors/http";
import { RateGateClosed } from "../vendors/rate-gate";
import { getConnector, writeBlocker, type ConnectorRow } from "./connectors";
import type { JobRow } from "./job-types";
import { runLimitJob } from "./limit-jobs";
import { runRequestJob } from "./request-jobs";

export type JobKind = "set_limit" | "clear_limit" | "approve_request" | "deny_request";

export interface EnqueueInput {
  workspaceId: string;
  connectorId: string;
  planId?: string | null;
  kind: JobKind;
  memberId?: string | null;
  vendorUserId?: string | null;
  payload: unknown;
  idempotencyKey: string;
  reason: string;
  createdBy: string;
  now: Date;
}

/** Adds a job unless one with the same idempotency key exists; true when added. */
export async function enqueueJob(tx: Tx, j: EnqueueInput): Promise<boolean> {
  const exists = await tx.vendorJob.findUnique({
    where: {
      connectorId_idempotencyKey: { connectorId: j.connectorId, idempotencyKey: j.idempotencyKey },
    },
    select: { id: true },
  });
  if (exists) return false;
  try {
    await tx.vendorJob.create({
      data: {
        workspaceId: j.workspaceId,
        connectorId: j.connectorId,
        planId: j.planId ?? null,
        kind: j.kind,
        memberId: j.memberId ?? null,
        vendorUserId: j.vendorUserId ?? null,
        payloadJson: toJsonText(j.payload),
        idempotencyKey: j.idempotencyKey,
        reason: j.reason,
        createdBy: j.createdBy,
        // on the app's clock, like every other time the job log shows
        createdAt: j.now,
        nextAttemptAt: j.now,
      },
    });
    return true;
  } catch (error) {
    if (isUniqueViolation(error)) return false;
    throw error;
  }
}

export interface DrainOptions {
  workspaceId?: string;
  connectorId?: string;
  /** keep going (and wait for due retries) up to this long */
  budgetMs?: number;
  clock?: () => Date;
}

export interface DrainResult {
  succeeded: number;
  skipped: number;
  failed: number;
  retried: number;
}

const JOB_LEASE_MS = 60_000;

function backoffMs(attempt: number): number {
  return Math.min(5 * 60_000, 1000 * 2 ** Math.max(0, attempt - 1));
}

/**
 * A FAILED job is not the end: it is tried again, ever less often (1 min, 2, 4 … up to an
 * hour, never before the vendor's Retry-After), until it succeeds, the vendor already shows
 * its value, a newer target supersedes it, or an owner acknowledges it.
 */
export function failedRetryMs(
  attempts: number,
  maxAttempts: number,
  retryAfterMs: number | null,
): number {
  const n = Math.max(0, attempts - maxAttempts);
  const wait = Math.min(60 * 60_000, 60_000 * 2 ** Math.min(n, 10));
  return Math.max(wait, retryAfterMs ?? 0);
}

/** Jobs that are still going to write: queued, running, or failed and not acknowledged. */
export const OPEN_JOB = {
  OR: [{ status: { in: ["PENDING", "RUNNING"] } }, { status: "FAILED", acknowledgedAt: null }],
};

export async function drainQueue(db: Db, opts: DrainOptions = {}): Promise<DrainResult> {
  const clock = opts.clock ?? clockNow;
  const wallStart = Date.now();
  const clockStart = clock().getTime();
  const deadline = wallStart + (opts.budgetMs ?? 10_000);
  const result: DrainResult = { succeeded: 0, skipped: 0, failed: 0, retried: 0 };
  const holder = randomUUID();
  for (;;) {
    const t = clock();
    const scope = {
      ...(opts.workspaceId ? { workspaceId: opts.workspaceId } : {}),
      ...(opts.connectorId ? { connectorId: opts.connectorId } : {}),
    };
    const due = await db.vendorJob.findMany({
      where: {
        ...scope,
        OR: [
          { status: "PENDING", nextAttemptAt: { lte: t } },
          { status: "FAILED", acknowledgedAt: null, nextAttemptAt: { lte: t } },
          { status: "RUNNING", leaseExpiresAt: { lt: t } },
        ],
      },
      orderBy: { createdAt: "asc" },
      take: 25,
    });
    const runnable: JobRow[] = [];
    const connectors = new Map<string, ConnectorRow>();
    for (const j of due) {
      let c = connectors.get(j.connectorId);
      if (!c)
        connectors.set(j.connectorId, (c = await getConnector(db, j.workspaceId, j.connectorId)));
      if (c.blockedUntil && c.blockedUntil > t) continue;
      if (await writeBlocker(db, c)) continue; // paused / off / read-only: the job waits
      runnable.push(j);
    }
    if (runnable.length === 0) {
      const next = await db.vendorJob.findFirst({
        where: { ...scope, status: "PENDING" },
        orderBy: { nextAttemptAt: "asc" },
        select: { nextAttemptAt: true, connectorId: true },
      });
      const c = next ? connectors.get(next.connectorId) : undefined;
      const wake = next
        ? Math.max(next.nextAttemptAt.getTime(), c?.blockedUntil?.getTime() ?? 0) - t.getTime()
        : null;
      // A pinned clock (tests, demo servers) never brings a future job due: waiting would only
      // burn the budget.
      const clockPinned = Date.now() - wallStart >= 5 && clock().getTime() === clockStart;
      if (
        wake === null ||
        clockPinned ||
        Date.now() + wake > deadline ||
        (c && (await writeBlocker(db, c)))
      )
        return result;
      await new Promise((r) => setTimeout(r, Math.max(20, Math.min(wake, 2000))));
      continue;
    }
    for (const j of runnable) {
      if (Date.now() > deadline) return result;
      const c = connectors.get(j.connectorId)!;
      const leaseName = `enforce:${c.id}`;
      if (!(await acquireLease(db, leaseName, holder, JOB_LEASE_MS, clock()))) continue; // another worker has this connector
      try {
        const now = clock();
        const claimed = await db.vendorJob.updateMany({
          where: {
            id: j.id,
            OR: [
              { status: "PENDING" },
              { status: "FAILED", acknowledgedAt: null },
              { status: "RUNNING", leaseExpiresAt: { lt: now } },
            ],
          },
          data: {
            status: "RUNNING",
            leaseHolder: holder,
            leaseExpiresAt: new Date(now.getTime() + JOB_LEASE_MS),
            attempts: { increment: 1 },
          },
        });
        if (claimed.count !== 1) continue;
        const job = await db.vendorJob.findUniqueOrThrow({ where: { id: j.id } });
        const outcome = await runJob(db, c, job, now, j.status === "FAILED");
        if (outcome === "SUCCEEDED") result.succeeded++;
        else if (outcome === "SKIPPED") result.skipped++;
        else if (outcome === "FAILED") result.failed++;
        else result.retried++;
        const fresh = await db.vendorConnector.findUniqueOrThrow({ where: { id: c.id } });
        connectors.set(c.id, fresh);
        if (fresh.blockedUntil && fresh.blockedUntil > clock()) break;
      } finally {
        await releaseLease(db, leaseName, holder);
      }
    }
  }
}

async function runJob(
  db: Db,
  c: ConnectorRow,
  job: JobRow,
  now: Date,
  wasFailed: boolean,
): Promise<"SUCCEEDED" | "SKIPPED" | "FAILED" | "RETRY"> {
  try {
    const handler =
      job.kind === "set_limit" || job.kind === "clear_limit" ? runLimitJob : runRequestJob;
    const outcome = await handler(db, c, job, now);
    // the handler has written state + audit for a success; close the job
    await db.vendorJob.updateMany({
      where: { id: job.id, leaseHolder: job.leaseHolder },
      data: {
        status: outcome.status,
        responseJson: toJsonText(outcome.response),
        lastError: null,
        finishedAt: now,
        leaseHolder: null,
        leaseExpiresAt: null,
      },
    });
    return outcome.status;
  } catch (error) {
    if (error instanceof RateGateClosed) {
      await db.vendorJob.update({
        where: { id: job.id },
        data: {
          status: "PENDING",
          attempts: { decrement: 1 },
          nextAttemptAt: new Date(now.getTime() + error.waitMs),
          leaseHolder: null,
          leaseExpiresAt: null,
        },
      });
      return "RETRY";
    }
    const message = error instanceof Error ? error.message : String(error);
    const retryable = error instanceof VendorError && error.retryable;
    if (retryable && job.attempts < job.maxAttempts) {
      const wait = (error as VendorError).retryAfterMs ?? backoffMs(job.attempts);
      await db.$transaction([
        db.vendorJob.update({
          where: { id: job.id },
          data: {
            status: "PENDING",
            nextAttemptAt: new Date(now.getTime() + wait),
            lastError: message,
            leaseHolder: null,
            leaseExpiresAt: null,
          },
        }),
        db.vendorConnector.update({
          where: { id: c.id },
          data:
            (error as VendorError).status === 429
              ? { blockedUntil: new Date(now.getTime() + wait), lastError: message }
              : { lastError: message },
        }),
      ]);
      return "RETRY";
    }
    const retryAt = new Date(
      now.getTime() +
        failedRetryMs(
          job.attempts,
          job.maxAttempts,
          error instanceof VendorError ? error.retryAfterMs : null,
        ),
    );
    await db.$transaction(async (tx) => {
      await tx.vendorJob.update({
        where: { id: job.id },
        data: {
          status: "FAILED",
          lastError: message,
          finishedAt: now,
          nextAttemptAt: retryAt,
          leaseHolder: null,
          leaseExpiresAt: null,
          responseJson: error instanceof VendorError ? toJsonText(error.body) : null,
        },
      });
      if (error instanceof VendorError && error.status === 429)
        await tx.vendorConnector.update({
          where: { id: c.id },
          data: {
            blockedUntil: new Date(now.getTime() + (error.retryAfterMs ?? 1000)),
            lastError: message,
          },
        });
      // audited once, when it first fails; the retries after that show on the job itself
      if (!wasFailed)
        await writeAudit(tx, {
          workspaceId: job.workspaceId,
          actor: { ...SYSTEM_ACTOR, label: `system (job by ${job.createdBy})` },
          action: `enforcement.${job.kind}.failed`,
          targetType: "VendorJob",
          targetId: job.id,
          after: {
            vendor: c.vendor,
            error: message,
            response: error instanceof VendorError ? error.body : null,
            nextAttemptAt: retryAt.toISOString(),
          },
        });
    });
    return "FAILED";
  }
}

/** An owner stops the retries of a failed job (audited); the continuous check still shows any excess. */
export async function acknowledgeJob(
  db: Db,
  workspaceId: string,
  actor: AuditActor,
  jobId: string,
  now: Date,
): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const done = await tx.vendorJob.updateMany({
      where: { id: jobId, workspaceId, status: "FAILED", acknowledgedAt: null },
      data: { acknowledgedAt: now, acknowledgedBy: actor.label },
    });
    if (done.count !== 1) return false;
    const j = await tx.vendorJob.findUniqueOrThrow({ where: { id: jobId } });
    await writeAudit(tx, {
      workspaceId,
      actor,
      action: "enforcement.job.acknowledge",
      targetType: "VendorJob",
      targetId: jobId,
      before: { status: "FAILED", attempts: j.attempts, lastError: j.lastError },
      after: { acknowledged: true, retries: "stopped" },
    });
    return true;
  });
}

/** The job log for the screen: newest first. */
export async function listJobs(db: Db, workspaceId: string, take = 50) {
  return db.vendorJob.findMany({
    where: { workspaceId },
    orderBy: { createdAt: "desc" },
    take,
    include: { connector: { select: { vendor: true } } },
  });
}
