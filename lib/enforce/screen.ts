/** Everything the owner's Enforcement screen shows, as one DTO (no secrets: keys are masked). */
import "server-only";

import type { Db } from "../server/db";
import { isPaused, listConnectors, viewOf } from "./connectors";
import { driftRows } from "./drift";
import { overAllowance } from "./over-allowance";
import { getPlan } from "./plan";
import { splitSetting } from "./plan-desired";
import { vendorGroupLinks } from "./vendor-groups";
import { listJobs } from "./vendor-job-queue";
import { vendorRequestLinks } from "./vendor-requests";
import { unmatchedOf } from "./vendor-state";

export async function enforcementScreen(db: Db, workspaceId: string, now: Date) {
  const connectors = await listConnectors(db, workspaceId);
  const plans = await Promise.all(
    connectors.map(async (c) => {
      const p = await db.vendorPlan.findFirst({
        where: { connectorId: c.id },
        orderBy: { createdAt: "desc" },
        select: { id: true },
      });
      return p ? getPlan(db, workspaceId, p.id) : null;
    }),
  );
  const jobs = await listJobs(db, workspaceId, 40);
  // every write still failing, however old: each stays on screen until it succeeds or is acknowledged
  const failing = await db.vendorJob.findMany({
    where: { workspaceId, status: "FAILED", acknowledgedAt: null },
    orderBy: { createdAt: "asc" },
    include: { connector: { select: { vendor: true } } },
  });
  const links = await vendorRequestLinks(db, workspaceId);
  // names for the job log and the request list (one query; jobs keep only member ids)
  const requesters = new Map(
    (
      await db.creditRequest.findMany({
        where: { workspaceId, id: { in: links.map((l) => l.requestId) } },
        select: { id: true, requesterId: true },
      })
    ).map((r) => [r.id, r.requesterId]),
  );
  const memberIds = [
    ...new Set(
      [
        ...jobs.map((j) => j.memberId),
        ...failing.map((j) => j.memberId),
        ...requesters.values(),
      ].filter((id): id is string => !!id),
    ),
  ];
  const people = new Map(
    (
      await db.member.findMany({
        where: { workspaceId, id: { in: memberIds } },
        select: { id: true, name: true, email: true },
      })
    ).map((m) => [m.id, m]),
  );
  const person = (id: string | null | undefined) => (id ? (people.get(id) ?? null) : null);
  const split = await splitSetting(db, workspaceId);
  const unmatched = connectors.flatMap((c) =>
    unmatchedOf(c).map((u) => ({ ...u, connectorId: c.id, vendor: c.vendor })),
  );
  const members =
    unmatched.length || (await db.vendorGroupLink.count({ where: { workspaceId } }))
      ? await db.member.findMany({
          // a vendor's user is a person with a seat: service accounts are not offered
          where: { workspaceId, active: true, kind: "PERSON" },
          select: { id: true, name: true, email: true },
          orderBy: { name: "asc" },
        })
      : [];
  const groups = await db.group.findMany({
    where: { workspaceId },
    select: { id: true, name: true },
    orderBy: { name: "asc" },
  });
  return {
    paused: await isPaused(db, workspaceId),
    split,
    overAllowance: await overAllowance(db, workspaceId, now),
    unmatched,
    members,
    groups,
    vendorGroups: (await vendorGroupLinks(db, workspaceId)).map((g) => ({
      connectorId: g.connectorId,
      vendorGroupId: g.vendorGroupId,
      name: g.vendorGroupName,
      groupId: g.groupId,
      status: g.status,
      note: g.note,
    })),
    connectors: connectors.map((c, i) => ({ ...viewOf(c), plan: plans[i] })),
    drift: await driftRows(db, workspaceId, now),
    failing: failing.map((j) => ({
      id: j.id,
      vendor: j.connector.vendor,
      member: person(j.memberId),
      kind: j.kind,
      attempts: j.attempts,
      reason: j.reason,
      lastError: j.lastError,
      createdAt: j.createdAt,
      nextAttemptAt: j.nextAttemptAt,
    })),
    jobs: jobs.map((j) => ({
      id: j.id,
      vendor: j.connector.vendor,
      member: person(j.memberId),
      kind: j.kind,
      status: j.status,
      attempts: j.attempts,
      reason: j.reason,
      lastError: j.lastError,
      createdAt: j.createdAt,
      finishedAt: j.finishedAt,
      nextAttemptAt: j.nextAttemptAt,
      acknowledgedAt: j.acknowledgedAt,
      acknowledgedBy: j.acknowledgedBy,
    })),
    requests: links.map((l) => ({
      requestId: l.requestId,
      requester: person(requesters.get(l.requestId)),
      vendor: l.connector.vendor,
      externalId: l.externalId,
      vendorStatus: l.vendorStatus,
      pushState: l.pushState,
      message: l.message,
    })),
  };
}
export type EnforcementScreen = Awaited<ReturnType<typeof enforcementScreen>>;
