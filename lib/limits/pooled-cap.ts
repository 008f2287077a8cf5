/**
 * The pooled cap over a spend scope, for the Overview's budget line: the workspace's pool,
 * or the sum of a manager's groups' pools when every one of them has a cap (a partial sum
 * would be no limit at all). Active means what it means everywhere: activePolicyWhere.
 */
import "server-only";

import type { Db } from "../server/db";
import { activePolicyWhere } from "./resolve-effective-limit";

export interface PoolScope {
  workspaceId: string;
  kind: "workspace" | "groups" | "self";
  managedGroupIds?: readonly string[] | null;
}

export async function pooledCapFor(db: Db, scope: PoolScope, now: Date): Promise<bigint | null> {
  const capped = { product: "", poolCapMicros: { not: null }, ...activePolicyWhere(now) };
  if (scope.kind === "workspace") {
    const p = await db.limitPolicy.findFirst({
      where: { workspaceId: scope.workspaceId, scope: "WORKSPACE", ...capped },
      select: { poolCapMicros: true },
    });
    return p?.poolCapMicros ?? null;
  }
  if (scope.kind === "groups" && scope.managedGroupIds?.length) {
    const caps = await db.limitPolicy.findMany({
      where: {
        workspaceId: scope.workspaceId,
        scope: "GROUP",
        groupId: { in: [...scope.managedGroupIds] },
        ...capped,
      },
      select: { poolCapMicros: true },
    });
    if (caps.length !== scope.managedGroupIds.length) return null;
    return caps.reduce((sum, c) => sum + (c.poolCapMicros ?? 0n), 0n);
  }
  return null;
}
