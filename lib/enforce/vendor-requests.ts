/**
 * One request queue: Claude's increase requests become CreditRequests (source "claude")
 * with the requester's vendor-side usage and limit; a request resolved in the Claude console
 * while still pending in Allotment is closed here as "resolved at the vendor" (so nobody can
 * decide it again); requests decided in Allotment are queued for the vendor exactly once.
 */
import "server-only";

import { SYSTEM_ACTOR, writeAudit } from "../audit/audit";
import { toJsonText } from "../core/json";
import { loadMemberLimit } from "../limits/load-effective-limits";
import type { Db } from "../server/db";
import { resolvedByLabel } from "../vendors/claude/client";
import { parseClaudeAmount } from "../vendors/claude/money";
import type { IncreaseRequest } from "../vendors/claude/schemas";
import { describeVendorAmount } from "../vendors/units";
import { claudeClient, type ConnectorRow } from "./connectors";
import { enqueueJob } from "./vendor-job-queue";
import { unmatchedOf, vendorUserMatcher, type UnmatchedUser } from "./vendor-state";

export interface ImportResult {
  imported: number;
  resolvedAtVendor: number;
  unmatched: string[];
}

function vendorSummary(r: IncreaseRequest) {
  const s = r.spend_summary;
  const limit = s ? (s.amount === null ? null : parseClaudeAmount(s.amount)) : undefined;
  const spend = s?.period_to_date_spend ? parseClaudeAmount(s.period_to_date_spend) : null;
  return {
    vendor: "claude",
    limit: limit === undefined ? "unknown" : describeVendorAmount(limit, "usd"),
    limitSource: s?.source.type ?? null,
    periodToDateSpend: spend === null ? null : describeVendorAmount(spend, "usd"),
  };
}

export async function importClaudeRequests(
  db: Db,
  c: ConnectorRow,
  now: Date,
): Promise<ImportResult> {
  const client = claudeClient(db, c, { waitForRate: true });
  const pending = await client.increaseRequests("pending");
  const result: ImportResult = { imported: 0, resolvedAtVendor: 0, unmatched: [] };
  const links = await db.vendorRequestLink.findMany({ where: { connectorId: c.id } });
  const linked = new Set(links.map((l) => l.externalId));
  const matcher = await vendorUserMatcher(db, c);
  const strangers = new Map<string, UnmatchedUser>();
  for (const r of pending) {
    if (linked.has(r.id)) continue;
    const memberId = matcher.match(r.actor.user_id, r.actor.email_address);
    const member = memberId ? { id: memberId } : null;
    if (!member) {
      // listed on the Enforcement screen with the request, until an owner maps the user to a member
      result.unmatched.push(r.actor.email_address);
      const u = strangers.get(r.actor.user_id) ?? {
        userId: r.actor.user_id,
        email: r.actor.email_address,
        name: r.actor.name ?? null,
        requests: [],
      };
      u.requests.push(r.id);
      strangers.set(r.actor.user_id, u);
      continue;
    }
    const mine = await loadMemberLimit(db, c.workspaceId, member.id, "", now);
    const summary = vendorSummary(r);
    const snapshot = {
      unit: mine.budget.unit,
      period: mine.budget.period,
      usedMicros: mine.effective.usedMicros.toString(),
      limitMicros: mine.effective.limitMicros?.toString() ?? null,
      remainingMicros: mine.effective.remainingMicros?.toString() ?? null,
      reason: mine.effective.reason,
      state: mine.effective.state,
      projectedMicros: mine.projectedMicros.toString(),
      takenAt: now.toISOString(),
      vendor: summary,
    };
    await db.$transaction(async (tx) => {
      const req = await tx.creditRequest.create({
        data: {
          workspaceId: c.workspaceId,
          requesterId: member.id,
          // Claude records no amount and no reason: the approver supplies the amount
          amountMicros: 0n,
          reason: `Asked for more usage in Claude (the vendor records no amount or reason). Claude limit ${summary.limit}${summary.periodToDateSpend ? `, spent ${summary.periodToDateSpend} this period` : ""}.`,
          neededUntil: mine.budget.period.end,
          product: "",
          snapshotJson: toJsonText(snapshot),
          source: "claude",
          externalId: r.id,
          createdAt: new Date(r.created_at),
        },
      });
      await tx.vendorRequestLink.create({
        data: {
          requestId: req.id,
          connectorId: c.id,
          externalId: r.id,
          vendorStatus: "pending",
          spendJson: toJsonText(summary),
        },
      });
      await writeAudit(tx, {
        workspaceId: c.workspaceId,
        actor: { ...SYSTEM_ACTOR, label: "enforcement (Claude import)" },
        action: "request.import",
        targetType: "CreditRequest",
        targetId: String(req.id),
        after: {
          source: "claude",
          externalId: r.id,
          requester: r.actor.email_address,
          vendor: summary,
        },
      });
    });
    result.imported++;
  }
  // requests that left the vendor's pending list: see how they ended
  const pendingIds = new Set(pending.map((r) => r.id));
  for (const l of links.filter(
    (x) => x.vendorStatus === "pending" && !pendingIds.has(x.externalId),
  )) {
    const v = await client.increaseRequest(l.externalId);
    if (v.status === "pending") continue;
    if (await closeResolvedAtVendor(db, c, l.requestId, v, now)) result.resolvedAtVendor++;
  }
  await matcher.record();
  const fresh = await db.vendorConnector.findUniqueOrThrow({
    where: { id: c.id },
    select: { unmatchedJson: true },
  });
  const list = unmatchedOf(fresh).map((u) => ({
    ...u,
    requests: strangers.get(u.userId)?.requests ?? [],
  }));
  for (const u of strangers.values()) if (!list.some((x) => x.userId === u.userId)) list.push(u);
  await db.vendorConnector.update({
    where: { id: c.id },
    data: { lastRequestSyncAt: now, unmatchedJson: JSON.stringify(list) },
  });
  return result;
}

/** Closes a still-pending Allotment request with the vendor's outcome; false when Allotment decided first. */
export async function closeResolvedAtVendor(
  db: Db,
  c: ConnectorRow,
  requestId: number,
  v: IncreaseRequest,
  now: Date,
): Promise<boolean> {
  const by = resolvedByLabel(v.resolved_by);
  const status = v.status === "approved" ? "APPROVED" : "DENIED";
  const note = `Resolved in Claude${by ? ` by ${by}` : ""}${v.resolved_at ? ` at ${v.resolved_at}` : ""} before anyone decided it here.`;
  return db.$transaction(async (tx) => {
    const won = await tx.creditRequest.updateMany({
      where: { id: requestId, workspaceId: c.workspaceId, status: "PENDING" },
      data: { status, decidedAt: now, decisionNote: note },
    });
    await tx.vendorRequestLink.update({
      where: { requestId },
      data: {
        vendorStatus: v.status,
        vendorResolvedAt: v.resolved_at ? new Date(v.resolved_at) : null,
        vendorResolvedBy: by,
        ...(won.count === 1 ? { pushState: "vendor_first", message: note } : {}),
      },
    });
    if (won.count === 1) {
      await writeAudit(tx, {
        workspaceId: c.workspaceId,
        actor: { ...SYSTEM_ACTOR, label: "enforcement (Claude import)" },
        action: "request.resolved_at_vendor",
        targetType: "CreditRequest",
        targetId: String(requestId),
        before: { status: "PENDING" },
        after: { status, note },
      });
    }
    return won.count === 1;
  });
}

/** Queues the vendor side of requests decided in Allotment (each exactly once). */
export async function queueDecidedRequests(db: Db, c: ConnectorRow, now: Date): Promise<number> {
  const links = await db.vendorRequestLink.findMany({
    where: { connectorId: c.id, pushState: "none" },
  });
  if (!links.length) return 0;
  const requests = await db.creditRequest.findMany({
    where: {
      id: { in: links.map((l) => l.requestId) },
      workspaceId: c.workspaceId,
      status: { in: ["APPROVED", "DENIED"] },
    },
    include: { decider: { select: { email: true } } },
  });
  let queued = 0;
  for (const r of requests) {
    const link = links.find((l) => l.requestId === r.id)!;
    const state = await db.vendorLimitState.findUnique({
      where: { connectorId_memberId: { connectorId: c.id, memberId: r.requesterId } },
    });
    const vendorUser = state?.vendorUserId ?? null;
    await db.$transaction(async (tx) => {
      const claimed = await tx.vendorRequestLink.updateMany({
        where: { requestId: r.id, pushState: "none" },
        data: { pushState: "queued" },
      });
      if (claimed.count !== 1) return;
      const added = await enqueueJob(tx, {
        workspaceId: c.workspaceId,
        connectorId: c.id,
        kind: r.status === "APPROVED" ? "approve_request" : "deny_request",
        memberId: r.requesterId,
        vendorUserId: vendorUser,
        payload: { requestId: r.id, externalId: link.externalId, grantedVendorMicros: null },
        idempotencyKey: `request:${r.id}`,
        reason: `request #${r.id} ${r.status === "APPROVED" ? "approved" : "denied"} in Allotment by ${r.decider?.email ?? "someone"}`,
        createdBy: r.decider?.email ?? "system",
        now,
      });
      if (added) queued++;
    });
  }
  return queued;
}

export async function vendorRequestLinks(db: Db, workspaceId: string) {
  return db.vendorRequestLink.findMany({
    where: { connector: { workspaceId } },
    include: { connector: { select: { vendor: true } } },
    orderBy: { requestId: "desc" },
    take: 50,
  });
}
