/** Everything the owner's Enforcement screen shows, as one DTO (no secrets: keys are masked). */
import "server-only";
import type { Db } from "../db";
import { isPaused, listConnectors, viewOf } from "./connectors";
import { driftRows } from "./drift";
import { getPlan } from "./plan";
import { listJobs } from "./queue";
import { vendorRequestLinks } from "./vendor-requests";

export async function enforcementScreen(db: Db, workspaceId: string, now: Date) {
  const connectors = await listConnectors(db, workspaceId);
  const plans = await Promise.all(
    connectors.map(async (c) => {
      const p = await db.vendorPlan.findFirst({ where: { connectorId: c.id }, orderBy: { createdAt: "desc" }, select: { id: true } });
      return p ? getPlan(db, workspaceId, p.id) : null;
    }),
  );
  const jobs = await listJobs(db, workspaceId, 40);
  const links = await vendorRequestLinks(db, workspaceId);
  // names for the job log and the request list (one query; jobs keep only member ids)
  const requesters = new Map((await db.creditRequest.findMany({ where: { workspaceId, id: { in: links.map((l) => l.requestId) } }, select: { id: true, requesterId: true } })).map((r) => [r.id, r.requesterId]));
  const memberIds = [...new Set([...jobs.map((j) => j.memberId), ...requesters.values()].filter((id): id is string => !!id))];
  const people = new Map((await db.member.findMany({ where: { workspaceId, id: { in: memberIds } }, select: { id: true, name: true, email: true } })).map((m) => [m.id, m]));
  const person = (id: string | null | undefined) => (id ? (people.get(id) ?? null) : null);
  return {
    paused: await isPaused(db, workspaceId),
    connectors: connectors.map((c, i) => ({ ...viewOf(c), plan: plans[i] })),
    drift: await driftRows(db, workspaceId, now),
    jobs: jobs.map((j) => ({ id: j.id, vendor: j.connector.vendor, member: person(j.memberId), kind: j.kind, status: j.status, attempts: j.attempts, reason: j.reason, lastError: j.lastError, createdAt: j.createdAt, finishedAt: j.finishedAt, nextAttemptAt: j.nextAttemptAt })),
    requests: links.map((l) => ({ requestId: l.requestId, requester: person(requesters.get(l.requestId)), vendor: l.connector.vendor, externalId: l.externalId, vendorStatus: l.vendorStatus, pushState: l.pushState, message: l.message })),
  };
}
export type EnforcementScreen = Awaited<ReturnType<typeof enforcementScreen>>;
