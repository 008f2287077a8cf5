/** Varied scopes for query benchmarks: the workspace, some managers' groups, some members. */
import type { SpendScope } from "../../lib/auth/scope";
import type { BenchContext } from "./index";

export async function benchScopes(ctx: BenchContext): Promise<SpendScope[]> {
  const { db, workspaceId } = ctx;
  const scopes: SpendScope[] = [
    { workspaceId, kind: "workspace", memberIds: null, label: "workspace" },
  ];
  const groups = await db.group.findMany({
    where: { workspaceId },
    take: 5,
    orderBy: { name: "asc" },
    include: { members: { select: { memberId: true } } },
  });
  for (const g of groups)
    scopes.push({
      workspaceId,
      kind: "groups",
      memberIds: g.members.map((m) => m.memberId),
      label: g.name,
    });
  const members = await db.member.findMany({
    where: { workspaceId },
    take: 10,
    skip: 100,
    orderBy: { email: "asc" },
    select: { id: true, name: true },
  });
  for (const m of members)
    scopes.push({ workspaceId, kind: "self", memberIds: [m.id], label: m.name });
  return scopes;
}
