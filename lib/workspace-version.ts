/**
 * A cheap version stamp for a workspace's state (one primary-key read), so hot paths (the
 * budget check, API token auth) can keep what they read in memory and still see every
 * change on the next call, in every process:
 * - `config` is bumped by writeAudit (lib/audit.ts) — limits, requests, tokens, roles,
 *   members, groups, identity mappings, connections and budget settings all write their
 *   audit event in the same transaction as the change (DESIGN.md);
 * - `usage` is bumped by every sync page commit (lib/ingest/sync.ts).
 * Counters rather than "newest id/timestamp": increments on one row serialise in commit
 * order, so a reader can never see a later change while an earlier one is still invisible.
 */
import "server-only";
import type { Db } from "./db";

export interface WorkspaceVersion {
  config: number;
  usage: number;
}

export async function readWorkspaceVersion(db: Db, workspaceId: string): Promise<WorkspaceVersion> {
  const ws = await db.workspace.findUnique({ where: { id: workspaceId }, select: { configVersion: true, usageVersion: true } });
  // a deleted workspace: a version no cache entry can hold
  return ws ? { config: ws.configVersion, usage: ws.usageVersion } : { config: -1, usage: -1 };
}

export function sameVersion(a: WorkspaceVersion, b: WorkspaceVersion): boolean {
  return a.config === b.config && a.usage === b.usage;
}
