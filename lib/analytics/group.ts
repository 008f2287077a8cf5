/**
 * One group's page: its members with their usage in a range (everyone in the group, also
 * those who spent nothing), pooled consumption, the group's pooled cap if one is set, and
 * the daily trend by product. Visible to the workspace roles and the group's managers.
 */
import "server-only";

import { scopeGroupsWhere, scopeIncludesGroup, type SpendScope } from "../auth/scope";
import { NotFoundError } from "../core/errors";
import type { Unit } from "../core/money";
import { todayIn } from "../core/period";
import { MEMBER_LABEL_SELECT, memberSublabel, shownEmail } from "../people/member-label";
import type { Db } from "../server/db";
import type { Metrics } from "./analytics-types";
import { summaryBreakdown } from "./breakdown";
import { totalsFor, workspaceOf } from "./breakdown-read";
import { metricsOnly } from "./breakdown-shape";
import { dailyByProduct, type DailySeries } from "./daily";
import { rangeSpecSchema, resolveRange, type RangeSpec, type ResolvedRange } from "./range";

export interface GroupMemberUsage extends Metrics {
  memberId: string;
  name: string;
  email: string;
  /** the line under the name: the email, or "Service account · owner …" (memberSublabel) */
  sublabel: string;
  manager: boolean;
  previousAmountMicros: bigint;
}

export interface GroupSummary {
  group: { id: string; name: string; costCenter: string; source: string };
  managers: { id: string; name: string }[];
  unit: Unit;
  range: ResolvedRange;
  pooledMicros: bigint;
  previousPooledMicros: bigint;
  poolCapMicros: bigint | null;
  members: GroupMemberUsage[];
  usage: DailySeries;
}

export async function getGroupSummary(
  db: Db,
  scope: SpendScope,
  groupId: string,
  now: Date,
  spec: RangeSpec = rangeSpecSchema.parse({}),
): Promise<GroupSummary> {
  if (!scopeIncludesGroup(scope, groupId)) throw new NotFoundError("group");
  const group = await db.group.findFirst({
    where: { id: groupId, workspaceId: scope.workspaceId },
    include: {
      members: { include: { member: { select: { id: true, ...MEMBER_LABEL_SELECT } } } },
      managers: { include: { member: { select: { id: true, name: true } } } },
    },
  });
  if (!group) throw new NotFoundError("group");
  const ws = await workspaceOf(db, scope);
  const range = resolveRange(spec, ws.budgetPeriod, todayIn(ws.timezone, now));
  const ctx = { db, scope, now };
  const filters = { group: [groupId] };
  const memberIds = group.members
    .map((m) => m.memberId)
    .filter((id) => scope.memberIds === null || scope.memberIds.includes(id));
  const [rows, totals, usage, cap] = await Promise.all([
    summaryBreakdown(ctx, spec, filters, "member"),
    totalsFor(ctx, ws.unit, filters, range),
    dailyByProduct(
      db,
      { workspaceId: scope.workspaceId, memberKey: { in: memberIds } },
      ws.unit,
      range,
    ),
    db.limitPolicy.findFirst({
      where: {
        workspaceId: scope.workspaceId,
        scope: "GROUP",
        groupId,
        product: "",
        poolCapMicros: { not: null },
      },
      select: { poolCapMicros: true },
    }),
  ]);
  const byId = new Map(rows.rows.map((r) => [r.key, r]));
  const managerIds = new Set(group.managers.map((m) => m.memberId));
  const members: GroupMemberUsage[] = group.members
    .filter((m) => scope.memberIds === null || scope.memberIds.includes(m.memberId))
    .map((m) => {
      const r = byId.get(m.memberId);
      return {
        // only the figures: the breakdown's rows also carry labels, ratios and sparklines
        ...metricsOnly(r),
        memberId: m.memberId,
        name: m.member.name,
        email: shownEmail(m.member), // a service account's address is never sent
        sublabel: memberSublabel(m.member),
        manager: managerIds.has(m.memberId),
        previousAmountMicros: r?.previousAmountMicros ?? 0n,
      };
    })
    .sort((a, b) =>
      b.amountMicros > a.amountMicros
        ? 1
        : b.amountMicros < a.amountMicros
          ? -1
          : a.name.localeCompare(b.name, "en"),
    );
  return {
    group: { id: group.id, name: group.name, costCenter: group.costCenter, source: group.source },
    managers: group.managers.map((m) => ({ id: m.member.id, name: m.member.name })),
    unit: ws.unit,
    range,
    pooledMicros: totals.amountMicros,
    previousPooledMicros: totals.previousAmountMicros,
    poolCapMicros: cap?.poolCapMicros ?? null,
    members,
    usage,
  };
}

/** The groups a scope may open, for the group picker and the groups index. */
export async function listGroups(db: Db, scope: SpendScope) {
  const groups = await db.group.findMany({
    where: scopeGroupsWhere(scope),
    orderBy: { name: "asc" },
    select: { id: true, name: true, costCenter: true, _count: { select: { members: true } } },
  });
  return groups.map((g) => ({
    id: g.id,
    name: g.name,
    costCenter: g.costCenter,
    memberCount: g._count.members,
  }));
}
