/**
 * "My usage": the signed-in member's own spend this budget period, the pace, projection
 * and days left, by product and model. Always scoped to the actor themselves, whatever
 * their role. The effective limit is filled in by the limits module when it exists.
 */
import "server-only";

import type { Db } from "../db";
import type { Unit } from "../money";
import { currentPeriod, daysBetween, daysLeft, todayIn, type Period } from "../period";
import { projectPeriodEnd } from "../projection";
import { getBreakdown, type BreakdownQuery } from "./breakdown";
import { dailyByProduct, type DailySeries } from "./daily";
import type { SpendScope } from "./scope";

export interface MyUsage {
  memberId: string;
  name: string;
  unit: Unit;
  period: Period;
  today: string;
  daysLeft: number;
  spentMicros: bigint;
  costMicros: bigint;
  creditsMicros: bigint;
  /** Claude Code seat estimates this period, budget unit (not in spentMicros) */
  seatMicros: bigint;
  /** the owner's setting: seat estimates count against limits */
  seatsCountAgainstLimits: boolean;
  /** average per day so far this period */
  dailyPaceMicros: bigint;
  projectedMicros: bigint;
  byProduct: { key: string; amountMicros: bigint; requests: bigint }[];
  byModel: { key: string; amountMicros: bigint; requests: bigint }[];
  usage: DailySeries;
}

/** The actor's own scope, even for roles that see more. */
export function selfScope(scope: SpendScope): SpendScope {
  const me = scope.selfMemberId;
  if (!me) throw new Error("scope has no signed-in member");
  return {
    workspaceId: scope.workspaceId,
    kind: "self",
    memberIds: [me],
    label: scope.label,
    selfMemberId: me,
  };
}

export async function getMyUsage(db: Db, actorScope: SpendScope, now: Date): Promise<MyUsage> {
  const scope = selfScope(actorScope);
  const me = await db.member.findFirstOrThrow({
    where: { id: scope.selfMemberId!, workspaceId: scope.workspaceId },
    include: { workspace: true },
  });
  const ws = me.workspace;
  const unit = ws.budgetUnit as Unit;
  const today = todayIn(ws.timezone, now);
  const period = currentPeriod(ws.budgetPeriod, ws.timezone, now);
  const ctx = { db, scope, now };
  const q = (dimension: "product" | "model"): BreakdownQuery => ({
    dimension,
    sort: "amount",
    dir: "desc",
    page: 1,
    pageSize: 200,
  });
  const [products, models, usage] = await Promise.all([
    getBreakdown(ctx, { range: "period" }, {}, q("product"), { all: true }),
    getBreakdown(ctx, { range: "period" }, {}, q("model"), { all: true }),
    dailyByProduct(db, { workspaceId: scope.workspaceId, memberKey: me.id }, unit, period),
  ]);
  const spent = products.totals.amountMicros;
  const elapsed = BigInt(Math.max(1, daysBetween(period.start, today) + 1));
  const slim = (rows: typeof products.rows) =>
    rows.map((r) => ({ key: r.key, amountMicros: r.amountMicros, requests: r.requests }));
  return {
    memberId: me.id,
    name: me.name,
    unit,
    period,
    today,
    daysLeft: daysLeft(period, today),
    spentMicros: spent,
    costMicros: products.totals.costMicros,
    creditsMicros: products.totals.creditsMicros,
    seatMicros: products.totals.seatMicros,
    seatsCountAgainstLimits: ws.seatEstimatesCountAgainstLimits,
    dailyPaceMicros: spent / elapsed,
    projectedMicros: projectPeriodEnd(spent, period, today),
    byProduct: slim(products.rows),
    byModel: slim(models.rows),
    usage,
  };
}
