/**
 * One member's page: who they are, their groups and identities, and their daily usage
 * this period. A member outside the actor's scope (or workspace) is "not found".
 */
import { scopeIncludesMember, type SpendScope } from "../auth/scope";
import { NotFoundError } from "../core/errors";
import type { Unit } from "../core/money";
import { currentPeriod, todayIn, type BudgetPeriod, type Period } from "../core/period";
import { shownEmail } from "../people/member-label";
import type { Db } from "../server/db";
import { summaryBreakdown } from "./breakdown";
import { dailyByProduct, type DailySeries } from "./daily";

export interface MemberSummary {
  member: {
    id: string;
    name: string;
    email: string;
    role: string;
    costCenter: string | null;
    /** SERVICE: automation owned by `owner` (lib/people/service-accounts.ts) */
    kind: "PERSON" | "SERVICE";
    owner: { id: string; name: string } | null;
  };
  groups: { id: string; name: string; costCenter: string; manager: boolean }[];
  identities: { provider: string; kind: string; externalId: string }[];
  unit: Unit;
  period: Period;
  today: string;
  usage: DailySeries;
  /** this period, in the budget unit, biggest first */
  byProduct: { key: string; amountMicros: bigint; requests: bigint }[];
  byModel: { key: string; amountMicros: bigint; requests: bigint }[];
}

export async function getMemberSummary(
  db: Db,
  scope: SpendScope,
  memberId: string,
  now: Date,
): Promise<MemberSummary> {
  if (!scopeIncludesMember(scope, memberId)) throw new NotFoundError("member");
  const member = await db.member.findFirst({
    where: { id: memberId, workspaceId: scope.workspaceId },
    include: {
      groups: { include: { group: true } },
      managedGroups: { select: { groupId: true } },
      identities: {
        select: { provider: true, kind: true, externalId: true },
        orderBy: [{ provider: "asc" }, { kind: "asc" }],
      },
      workspace: true,
      owner: { select: { id: true, name: true } },
    },
  });
  if (!member) throw new NotFoundError("member");
  const ws = member.workspace;
  const period = currentPeriod(ws.budgetPeriod as BudgetPeriod, ws.timezone, now);
  const managed = new Set(member.managedGroups.map((g) => g.groupId));
  const ctx = { db, scope, now };
  const [usage, products, models] = await Promise.all([
    dailyByProduct(
      db,
      { workspaceId: scope.workspaceId, memberKey: member.id },
      ws.budgetUnit,
      period,
    ),
    summaryBreakdown(ctx, { range: "period" }, { member: [member.id] }, "product"),
    summaryBreakdown(ctx, { range: "period" }, { member: [member.id] }, "model"),
  ]);
  const slim = (rows: typeof products.rows) =>
    rows.map((r) => ({ key: r.key, amountMicros: r.amountMicros, requests: r.requests }));
  return {
    member: {
      id: member.id,
      name: member.name,
      email: shownEmail(member), // a service account's internal address is never sent
      role: member.role,
      costCenter: member.costCenter,
      kind: member.kind,
      owner: member.owner,
    },
    groups: member.groups.map((g) => ({
      id: g.group.id,
      name: g.group.name,
      costCenter: g.group.costCenter,
      manager: managed.has(g.group.id),
    })),
    identities: member.identities,
    unit: ws.budgetUnit,
    period,
    today: todayIn(ws.timezone, now),
    usage,
    byProduct: slim(products.rows),
    byModel: slim(models.rows),
  };
}
