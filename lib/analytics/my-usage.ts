/**
 * "My budget": the signed-in member's own spend this budget period, the pace, projection
 * and days left, by product and model (with the cache-hit rate where the data has cached
 * tokens); and, for the home page, their effective limit with where it comes from, the pools
 * they draw from, the reset day and their recent requests. Always scoped to the actor
 * themselves, whatever their role.
 */
import "server-only";

import type { Actor } from "../auth/actor";
import type { SpendScope } from "../auth/scope";
import { MICROS_PER_UNIT, type Unit } from "../core/money";
import {
  addDays,
  currentPeriod,
  daysBetween,
  daysLeft,
  todayIn,
  type DayKey,
  type Period,
} from "../core/period";
import { projectMember } from "../forecast/member";
import { memberLimitView, type MyLimit } from "../limits/limits-screen";
import { loadMemberLimit } from "../limits/load-effective-limits";
import { listMyRequests, type RequestItem } from "../requests/request-queue";
import type { Db } from "../server/db";
import { summaryBreakdown } from "./breakdown";
import { ratioPct } from "./breakdown-shape";
import { dailyByProduct, type DailySeries } from "./daily";

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
  /** the days after today: expected daily spend and its band (lib/forecast), for the chart */
  forecastDays: { day: string; lowMicros: bigint; midMicros: bigint; highMicros: bigint }[];
  /** cached share of input tokens this period; null when the data has no cached tokens */
  cacheHitPct: number | null;
  byProduct: SpendRow[];
  byModel: SpendRow[];
  usage: DailySeries;
}

export interface SpendRow {
  key: string;
  amountMicros: bigint;
  requests: bigint;
  /** null when this row's data has no cached tokens */
  cacheHitPct: number | null;
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
  const [products, models, usage] = await Promise.all([
    summaryBreakdown(ctx, { range: "period" }, {}, "product"),
    summaryBreakdown(ctx, { range: "period" }, {}, "model"),
    dailyByProduct(db, { workspaceId: scope.workspaceId, memberKey: me.id }, unit, period),
  ]);
  const spent = products.totals.amountMicros;
  const projection = await projectMember(
    db,
    scope.workspaceId,
    unit,
    me.id,
    spent,
    null,
    period,
    today,
  );
  const elapsed = BigInt(Math.max(1, daysBetween(period.start, today) + 1));
  const cacheHit = (m: { cachedInputTokens: bigint; inputTokens: bigint }) =>
    m.cachedInputTokens > 0n ? ratioPct(m.cachedInputTokens, m.inputTokens) : null;
  const slim = (rows: typeof products.rows): SpendRow[] =>
    rows.map((r) => ({
      key: r.key,
      amountMicros: r.amountMicros,
      requests: r.requests,
      cacheHitPct: cacheHit(r),
    }));
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
    projectedMicros: projection.projectedMicros,
    forecastDays: projection.forecast.days,
    cacheHitPct: cacheHit(products.totals),
    byProduct: slim(products.rows),
    byModel: slim(models.rows),
    usage,
  };
}

/** Where the limit comes from, in the words the home page shows next to it. */
export interface LimitSource {
  level: "MEMBER" | "GROUP" | "WORKSPACE" | "NONE";
  /** "your override", "group Platform", "workspace default", "no personal limit", "no limit" */
  words: string;
}

export interface MyBudget {
  usage: MyUsage;
  limit: MyLimit;
  source: LimitSource;
  /** pooled caps the member draws from (a group's pool, the workspace cap) */
  pools: {
    name: string;
    capMicros: bigint;
    usedMicros: bigint;
    remainingMicros: bigint;
    exhausted: boolean;
  }[];
  /** the first day of the next period */
  resetDay: DayKey;
  /** what the projection overshoots the limit by, rounded up to a whole unit: the form's suggestion */
  suggestedAskMicros: bigint | null;
  /** the member's latest requests, newest first */
  requests: RequestItem[];
}

/** The budget home of the signed-in person (every role has one, for themselves). */
export async function getMyBudget(
  db: Db,
  actor: Actor,
  actorScope: SpendScope,
  now: Date,
): Promise<MyBudget> {
  const [usage, mine, requests] = await Promise.all([
    getMyUsage(db, actorScope, now),
    loadMemberLimit(db, actor.workspaceId, actor.memberId, "", now),
    listMyRequests(db, actor, now),
  ]);
  const e = mine.effective;
  const limit = memberLimitView(mine);
  let words: string;
  if (e.level === "MEMBER") words = "your override";
  else if (e.level === "WORKSPACE") words = "workspace default";
  else if (e.level === "GROUP") {
    const p = e.policyId
      ? await db.limitPolicy.findFirst({
          where: { id: e.policyId, workspaceId: actor.workspaceId },
          select: { group: { select: { name: true } } },
        })
      : null;
    words = `group ${p?.group?.name ?? "limit"}`;
  } else words = e.pools.length > 0 ? "no personal limit" : "no limit";
  const over =
    e.limitMicros !== null && mine.projectedMicros > e.limitMicros
      ? mine.projectedMicros - e.limitMicros
      : null;
  return {
    usage,
    limit,
    source: { level: e.level, words },
    pools: e.pools.map((p) => ({
      name: p.name,
      capMicros: p.capMicros,
      usedMicros: p.usedMicros,
      remainingMicros: p.remainingMicros < 0n ? 0n : p.remainingMicros,
      exhausted: p.exhausted,
    })),
    resetDay: addDays(mine.budget.period.end, 1),
    suggestedAskMicros:
      over === null ? null : ((over + MICROS_PER_UNIT - 1n) / MICROS_PER_UNIT) * MICROS_PER_UNIT,
    requests: requests.slice(0, 5),
  };
}
