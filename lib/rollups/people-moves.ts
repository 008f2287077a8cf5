/**
 * People changes that move spend between breakdown rows, kept in the same transaction as the
 * change (the group and cost-center totals are sums by membership: group-totals.ts).
 * - group membership: the changed groups' rows are rebuilt and "~none" follows members whose
 *   first group came or last group went (the directory sync's own function);
 * - a member's cost center: their usage moves from the old code's rows to the new code's,
 *   day and month tables, by delta (a rebuild of every day would read every member's usage).
 */
import "server-only";

import { NONE } from "../analytics/filters";
import { engineOf, type Tx } from "../server/db";
import { addMembersToDimensionRow, applyMembershipChanges } from "./group-totals";

export interface PairChange {
  groupId: string;
  memberId: string;
  /** +1 joined, -1 left */
  delta: 1 | -1;
}

export async function membershipTotalsChanged(
  tx: Tx,
  workspaceId: string,
  changes: PairChange[],
): Promise<void> {
  if (!changes.length) return;
  const joined = new Map<string, number>();
  for (const c of changes) joined.set(c.memberId, (joined.get(c.memberId) ?? 0) + c.delta);
  await applyMembershipChanges(
    tx,
    workspaceId,
    [...new Set(changes.map((c) => c.groupId))],
    joined,
  );
}

/** These groups' rows rebuilt from their member lists (a deleted group's rows go). */
export async function groupTotalsRebuilt(
  tx: Tx,
  workspaceId: string,
  groupIds: string[],
): Promise<void> {
  await applyMembershipChanges(tx, workspaceId, groupIds, new Map());
}

export async function costCenterTotalsMoved(
  tx: Tx,
  workspaceId: string,
  memberId: string,
  from: string | null,
  to: string | null,
): Promise<void> {
  const engine = engineOf(tx);
  const a = from ?? NONE;
  const b = to ?? NONE;
  if (a === b) return;
  await addMembersToDimensionRow(tx, engine, "costCenter", workspaceId, a, [memberId], -1);
  await addMembersToDimensionRow(tx, engine, "costCenter", workspaceId, b, [memberId], 1);
}
