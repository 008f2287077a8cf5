/**
 * Feeds the pure resolver from the database: policies, group memberships and this
 * period's usage from UsageDailyRollup, in a handful of queries — one member (budget
 * check, engineer page, request snapshot) or every member of a workspace (Limits screen,
 * vendor connectors; 20,000 members in well under a second).
 */
import "server-only";

import type { Unit } from "../core/money";
import {
  currentPeriod,
  lastDayBefore,
  periodContaining,
  todayIn,
  type BudgetPeriod,
  type DayKey,
  type Period,
} from "../core/period";
import {
  groupHistories,
  memberHistories,
  memberHistoryWithFallback,
  perMember,
} from "../forecast/history";
import type { DailyHistory } from "../forecast/model";
import { project, type Projection } from "../forecast/projection";
import { engineOf, type Db } from "../server/db";
import { placeholder, toBigInt } from "../server/sql";
import { readRows } from "../server/sqlite-reader";
import { readWorkspaceVersion, type WorkspaceVersion } from "../server/workspace-version";
import { findMemberByHandle } from "./find-member";
import {
  limitInputs,
  type LimitInputs,
  type LimitReaders,
  type UsageKey,
  type WorkspaceRow,
} from "./limit-inputs";
import {
  resolveEffectiveLimit,
  type EffectiveLimit,
  type PolicyInput,
  type ProductUsage,
} from "./resolve-effective-limit";

export interface WorkspaceBudget {
  id: string;
  name: string;
  unit: Unit;
  timezone: string;
  budgetPeriod: BudgetPeriod;
  period: Period;
  today: DayKey;
  /** Claude Code seat estimates count against limits (the owner's setting; default true) */
  seats: boolean;
}

interface PolicyRow {
  id: string;
  scope: string;
  groupId: string | null;
  memberId: string | null;
  product: string;
  amountMicros: bigint | null;
  poolCapMicros: bigint | null;
  softThresholdPct: number;
  action: string;
  startsAt: Date | null;
  expiresAt: Date | null;
  note: string | null;
  sourceRequestId: number | null;
}

export function toPolicyInput(r: PolicyRow): PolicyInput {
  return {
    id: r.id,
    scope: r.scope as PolicyInput["scope"],
    groupId: r.groupId,
    memberId: r.memberId,
    product: r.product,
    amountMicros: r.amountMicros,
    poolCapMicros: r.poolCapMicros,
    softThresholdPct: r.softThresholdPct,
    action: r.action as PolicyInput["action"],
    startsAt: r.startsAt,
    expiresAt: r.expiresAt,
    note: r.note,
    sourceRequestId: r.sourceRequestId,
  };
}

const POLICY_SELECT = {
  id: true,
  scope: true,
  groupId: true,
  memberId: true,
  product: true,
  amountMicros: true,
  poolCapMicros: true,
  softThresholdPct: true,
  action: true,
  startsAt: true,
  expiresAt: true,
  note: true,
  sourceRequestId: true,
} as const;

export async function loadWorkspaceBudget(
  db: Db,
  workspaceId: string,
  now: Date,
): Promise<WorkspaceBudget> {
  return budgetOf(await readWorkspaceRow(db, workspaceId), now);
}

function readWorkspaceRow(db: Db, workspaceId: string): Promise<WorkspaceRow> {
  return db.workspace.findUniqueOrThrow({
    where: { id: workspaceId },
    select: {
      id: true,
      name: true,
      budgetUnit: true,
      timezone: true,
      budgetPeriod: true,
      seatEstimatesCountAgainstLimits: true,
    },
  });
}

export function budgetOf(
  ws: {
    id: string;
    name: string;
    budgetUnit: Unit;
    timezone: string;
    budgetPeriod: string;
    seatEstimatesCountAgainstLimits?: boolean;
  },
  now: Date,
): WorkspaceBudget {
  const budgetPeriod = ws.budgetPeriod as BudgetPeriod;
  return {
    id: ws.id,
    name: ws.name,
    unit: ws.budgetUnit,
    timezone: ws.timezone,
    budgetPeriod,
    period: currentPeriod(budgetPeriod, ws.timezone, now),
    today: todayIn(ws.timezone, now),
    seats: ws.seatEstimatesCountAgainstLimits ?? true,
  };
}

/** The spend a limit counts, in the budget unit: billed, plus the Claude Code seat estimates when the owner counts them. */
function usageColumn(key: Pick<UsageKey, "unit" | "seats">, alias = ""): string {
  const [billed, seat] =
    key.unit === "USD"
      ? [`"costMicros"`, `"seatEstimateMicros"`]
      : [`"creditsMicros"`, `"seatCreditsMicros"`];
  return key.seats === false ? `${alias}${billed}` : `(${alias}${billed} + ${alias}${seat})`;
}

/** Usage this period by (memberKey, product); memberKey null = every member. */
async function usageByMemberProduct(
  db: Db,
  key: UsageKey,
  memberKey: string | null,
): Promise<Map<string, Map<string, bigint>>> {
  const engine = engineOf(db);
  const params: unknown[] = [key.workspaceId, key.start, key.end];
  if (memberKey === null && isWholeMonth(key)) {
    // UsageMemberMonth equals the daily rollup summed by month (kept in the sync transaction):
    // ~30× fewer rows for the whole-workspace aggregate of a monthly budget period
    const rows = await readRows<{ m: string; p: string; v: unknown }>(
      db,
      `SELECT "memberKey" AS m, "product" AS p, SUM(${usageColumn(key)}) AS v FROM "UsageMemberMonth" WHERE "workspaceId" = ${placeholder(engine, 1)} AND "month" = ${placeholder(engine, 2)} GROUP BY "memberKey", "product"`,
      [key.workspaceId, key.start.slice(0, 7)],
    );
    return nest(rows);
  }
  // SQLite otherwise picks the (workspaceId, day) index and sorts every row of the period for
  // the GROUP BY; walking (workspaceId, memberKey, day) yields the groups in order (~2× faster)
  const hint =
    memberKey === null && engine === "sqlite"
      ? ` INDEXED BY "UsageDailyRollup_workspaceId_memberKey_day_idx"`
      : "";
  let sql = `SELECT "memberKey" AS m, "product" AS p, SUM(${usageColumn(key)}) AS v FROM "UsageDailyRollup"${hint} WHERE "workspaceId" = ${placeholder(engine, 1)} AND "day" >= ${placeholder(engine, 2)} AND "day" <= ${placeholder(engine, 3)}`;
  if (memberKey !== null) {
    params.push(memberKey);
    sql += ` AND "memberKey" = ${placeholder(engine, 4)}`;
  }
  sql += ` GROUP BY "memberKey", "product"`;
  return nest(await readRows<{ m: string; p: string; v: unknown }>(db, sql, params));
}

function isWholeMonth(p: Pick<Period, "start" | "end">): boolean {
  const month = periodContaining(p.start, "MONTHLY");
  return month.start === p.start && month.end === p.end;
}

function nest(rows: { m: string; p: string; v: unknown }[]): Map<string, Map<string, bigint>> {
  const out = new Map<string, Map<string, bigint>>();
  for (const r of rows) {
    let inner = out.get(r.m);
    if (!inner) out.set(r.m, (inner = new Map()));
    inner.set(r.p, toBigInt(r.v));
  }
  return out;
}

function addInto(target: Map<string, bigint>, source: ProductUsage | undefined) {
  if (!source) return;
  for (const [k, v] of source) target.set(k, (target.get(k) ?? 0n) + v);
}

async function poolUsage(
  db: Db,
  budget: UsageKey,
  groupId: string | null,
): Promise<Map<string, bigint>> {
  const engine = engineOf(db);
  const col = usageColumn(budget);
  const rows =
    groupId === null
      ? await readRows<{ p: string; v: unknown }>(
          db,
          `SELECT "product" AS p, SUM(${col}) AS v FROM "UsageDailyRollup" WHERE "workspaceId" = ${placeholder(engine, 1)} AND "day" >= ${placeholder(engine, 2)} AND "day" <= ${placeholder(engine, 3)} GROUP BY "product"`,
          [budget.workspaceId, budget.start, budget.end],
        )
      : await readRows<{ p: string; v: unknown }>(
          db,
          `SELECT r."product" AS p, SUM(${usageColumn(budget, "r.")}) AS v FROM "UsageDailyRollup" r JOIN "GroupMember" gm ON gm."memberId" = r."memberKey" AND gm."groupId" = ${placeholder(engine, 1)} WHERE r."workspaceId" = ${placeholder(engine, 2)} AND r."day" >= ${placeholder(engine, 3)} AND r."day" <= ${placeholder(engine, 4)} GROUP BY r."product"`,
          // SQLite binds "?" in text order: keep parameters in the order they appear
          [groupId, budget.workspaceId, budget.start, budget.end],
        );
  return new Map(rows.map((r) => [r.p, toBigInt(r.v)]));
}

// The whole workspace's usage aggregate is the one expensive read behind the Limits screen
// (millions of rollup rows at 20,000 members); it is reused while the workspace's usage
// version holds (lib/server/workspace-version.ts: every sync page commit moves it).
const aggregateCache = new WeakMap<
  Db,
  Map<string, { usageVersion: number; value: Map<string, Map<string, bigint>> }>
>();

async function workspaceUsageAggregate(
  db: Db,
  budget: WorkspaceBudget,
): Promise<Map<string, Map<string, bigint>>> {
  const key = usageKeyOf(budget);
  const text = `${key.workspaceId}|${key.unit}|${key.seats ? "seats" : "billed"}|${key.start}|${key.end}`;
  const { usage } = await readWorkspaceVersion(db, budget.id);
  let perDb = aggregateCache.get(db);
  if (!perDb) aggregateCache.set(db, (perDb = new Map()));
  const hit = perDb.get(text);
  if (hit && hit.usageVersion === usage) return hit.value;
  const value = await usageByMemberProduct(db, key, null);
  perDb.set(text, { usageVersion: usage, value });
  return value;
}

export function usageKeyOf(budget: WorkspaceBudget): UsageKey {
  return {
    workspaceId: budget.id,
    unit: budget.unit,
    seats: budget.seats,
    start: budget.period.start,
    end: budget.period.end,
  };
}

/** How LimitInputs reads (each read is cached against the workspace version there). */
const READERS: LimitReaders = {
  workspace: readWorkspaceRow,
  async policies(db, workspaceId) {
    return (await db.limitPolicy.findMany({ where: { workspaceId }, select: POLICY_SELECT })).map(
      toPolicyInput,
    );
  },
  member: findMemberByHandle,
  async groupsOf(db, workspaceId, memberId) {
    const rows = await db.groupMember.findMany({
      where: { memberId, group: { workspaceId } },
      select: { group: { select: { id: true, name: true } } },
    });
    return rows.map((m) => m.group);
  },
  async memberUsage(db, key, memberId) {
    return (
      (await usageByMemberProduct(db, key, memberId)).get(memberId) ?? new Map<string, bigint>()
    );
  },
  poolUsage,
};

/** The cached inputs for a workspace; `known` = a version already read in this request. */
export function limitInputsFor(
  db: Db,
  workspaceId: string,
  known?: WorkspaceVersion,
): Promise<LimitInputs> {
  return limitInputs(db, workspaceId, READERS, known);
}

export interface MemberLimit {
  budget: WorkspaceBudget;
  effective: EffectiveLimit;
  /** the forecast's mid at period end (same product scope as `used`; lib/forecast/projection.ts) */
  projectedMicros: bigint;
  projectedLowMicros: bigint;
  projectedHighMicros: bigint;
  /** earliest run-out (high side) */
  exhaustionDay: DayKey | null;
  /** latest run-out (low side); null = maybe not this period */
  exhaustionLatestDay: DayKey | null;
}

/**
 * One member's effective limit for a product ("" = all products). memberId null = an
 * unknown person (budget check): the workspace default applies and the reason says so.
 */
export async function loadMemberLimit(
  db: Db,
  workspaceId: string,
  memberId: string | null,
  product: string,
  now: Date,
  /**
   * the budget check passes the inputs it already holds (and the member's groups it found);
   * it answers allow/deny and shows no projection, so it skips the forecast's history reads
   * (projection: false leaves the projection at the spend so far)
   */
  opts: {
    groups?: { id: string; name: string }[];
    inputs?: LimitInputs;
    projection?: boolean;
  } = {},
): Promise<MemberLimit> {
  const inputs = opts.inputs ?? (await limitInputsFor(db, workspaceId));
  const [row, groups] = await Promise.all([
    inputs.workspace(),
    opts.groups ?? (memberId ? inputs.groupsOf(memberId) : []),
  ]);
  const budget = budgetOf(row, now);
  const key = usageKeyOf(budget);
  const targets = [
    "WORKSPACE",
    ...groups.map((g) => `GROUP:${g.id}`),
    ...(memberId ? [`MEMBER:${memberId}`] : []),
  ];
  const [policies, memberUsage, histories] = await Promise.all([
    inputs.policies(targets, product),
    memberId ? inputs.memberUsage(key, memberId) : new Map<string, bigint>(),
    memberId && opts.projection !== false
      ? memberHistoryWithFallback(
          db,
          workspaceId,
          budget.unit,
          budget.today,
          memberId,
          product,
          groups.map((g) => g.id),
        )
      : null,
  ]);
  const groupUsage = new Map<string, ProductUsage>();
  let workspaceUsage: ProductUsage = new Map();
  await Promise.all(
    policies
      .filter((p) => p.poolCapMicros !== null)
      .map(async (p) => {
        if (p.scope === "GROUP" && p.groupId)
          groupUsage.set(p.groupId, await inputs.poolUsage(key, p.groupId));
        if (p.scope === "WORKSPACE") workspaceUsage = await inputs.poolUsage(key, null);
      }),
  );
  const effective = resolveEffectiveLimit({
    memberId,
    product,
    groups,
    policies,
    now,
    usage: { member: memberUsage, groups: groupUsage, workspace: workspaceUsage },
    formatUntil: (d) => lastDayBefore(d, budget.timezone),
    unknownMember: memberId === null,
  });
  return {
    budget,
    effective,
    ...projections(
      effective.usedMicros,
      effective.remainingMicros,
      budget,
      histories?.history ?? NO_HISTORY,
      histories?.fallback ?? null,
    ),
  };
}

const NO_HISTORY: DailyHistory = new Map();

/** The projection fields every limit row carries (lib/forecast/projection.ts: the one rule). */
function projections(
  used: bigint,
  remaining: bigint | null,
  budget: WorkspaceBudget,
  history: DailyHistory,
  fallback: DailyHistory | null,
) {
  const p: Projection = project({
    usedMicros: used,
    remainingMicros: remaining,
    period: budget.period,
    today: budget.today,
    history,
    fallback,
  });
  return {
    projectedMicros: p.projectedMicros,
    projectedLowMicros: p.projectedLowMicros,
    projectedHighMicros: p.projectedHighMicros,
    exhaustionDay: p.exhaustionDay,
    exhaustionLatestDay: p.exhaustionLatestDay,
  };
}

export interface WorkspaceMemberLimit {
  memberId: string;
  name: string;
  email: string;
  groupIds: string[];
  effective: EffectiveLimit;
  projectedMicros: bigint;
  projectedLowMicros: bigint;
  projectedHighMicros: bigint;
  exhaustionDay: DayKey | null;
  exhaustionLatestDay: DayKey | null;
}

export interface GroupPool {
  groupId: string;
  name: string;
  costCenter: string;
  memberCount: number;
  usedMicros: bigint;
  capMicros: bigint | null;
  projectedMicros: bigint;
  projectedLowMicros: bigint;
  projectedHighMicros: bigint;
  exhaustionDay: DayKey | null;
  exhaustionLatestDay: DayKey | null;
}

export interface WorkspaceLimits {
  budget: WorkspaceBudget;
  members: WorkspaceMemberLimit[];
  groups: GroupPool[];
  workspaceUsedMicros: bigint;
  /** the members' summed daily spend over the forecast's lookback (the workspace pool's projection) */
  workspaceHistory: DailyHistory;
}

/**
 * Every active member's effective limit (all products) in four queries; the resolver gets
 * only each member's relevant policies, so the work is linear in members + policies.
 * `onlyMemberIds` narrows the result (a manager's groups) without changing pool figures.
 */
export async function loadWorkspaceLimits(
  db: Db,
  workspaceId: string,
  now: Date,
  onlyMemberIds?: ReadonlySet<string>,
): Promise<WorkspaceLimits> {
  const budget = await loadWorkspaceBudget(db, workspaceId, now);
  const [members, groups, memberships, policyRows, usage] = await Promise.all([
    db.member.findMany({
      where: { workspaceId, active: true },
      select: { id: true, name: true, email: true },
      orderBy: { name: "asc" },
    }),
    db.group.findMany({
      where: { workspaceId },
      select: { id: true, name: true, costCenter: true },
      orderBy: { name: "asc" },
    }),
    db.groupMember.findMany({
      where: { group: { workspaceId } },
      select: { groupId: true, memberId: true },
    }),
    db.limitPolicy.findMany({ where: { workspaceId, product: "" }, select: POLICY_SELECT }),
    workspaceUsageAggregate(db, budget),
  ]);
  // every member's history, also for a manager's subset: the workspace pool's projection sums them
  const histories = await memberHistories(db, workspaceId, budget.unit, budget.today, null);
  const groupHist = await groupHistories(db, workspaceId, budget.unit, budget.today, null);
  const policies = policyRows.map(toPolicyInput);
  const groupName = new Map(groups.map((g) => [g.id, g.name]));
  const groupsOf = new Map<string, string[]>();
  const membersOf = new Map<string, string[]>();
  for (const m of memberships) {
    (groupsOf.get(m.memberId) ?? groupsOf.set(m.memberId, []).get(m.memberId)!).push(m.groupId);
    (membersOf.get(m.groupId) ?? membersOf.set(m.groupId, []).get(m.groupId)!).push(m.memberId);
  }
  const workspaceUsage = new Map<string, bigint>();
  for (const u of usage.values()) addInto(workspaceUsage, u);
  const groupUsage = new Map<string, Map<string, bigint>>();
  for (const g of groups) {
    const sum = new Map<string, bigint>();
    for (const id of membersOf.get(g.id) ?? []) addInto(sum, usage.get(id));
    groupUsage.set(g.id, sum);
  }
  const wsPolicies = policies.filter((p) => p.scope === "WORKSPACE");
  const byGroup = new Map<string, PolicyInput[]>();
  const byMember = new Map<string, PolicyInput[]>();
  for (const p of policies) {
    if (p.scope === "GROUP" && p.groupId)
      (byGroup.get(p.groupId) ?? byGroup.set(p.groupId, []).get(p.groupId)!).push(p);
    if (p.scope === "MEMBER" && p.memberId)
      (byMember.get(p.memberId) ?? byMember.set(p.memberId, []).get(p.memberId)!).push(p);
  }
  const formatUntil = (d: Date) => lastDayBefore(d, budget.timezone);
  const empty = new Map<string, bigint>();
  // one per-member fallback object per group: the forecast learns each once (lib/forecast)
  const fallbackOf = new Map<string, DailyHistory>();
  for (const [gid, h] of groupHist)
    fallbackOf.set(gid, perMember(h, membersOf.get(gid)?.length ?? 1));
  const workspaceHistory = new Map<DayKey, bigint>();
  for (const h of histories.values())
    for (const [d, v] of h) workspaceHistory.set(d, (workspaceHistory.get(d) ?? 0n) + v);
  const out: WorkspaceMemberLimit[] = [];
  for (const m of members) {
    if (onlyMemberIds && !onlyMemberIds.has(m.id)) continue;
    const gids = groupsOf.get(m.id) ?? [];
    const relevant = [...wsPolicies, ...(byMember.get(m.id) ?? [])];
    for (const g of gids) relevant.push(...(byGroup.get(g) ?? []));
    const effective = resolveEffectiveLimit({
      memberId: m.id,
      product: "",
      groups: gids.map((id) => ({ id, name: groupName.get(id) ?? "?" })),
      policies: relevant,
      now,
      usage: { member: usage.get(m.id) ?? empty, groups: groupUsage, workspace: workspaceUsage },
      formatUntil,
    });
    out.push({
      memberId: m.id,
      name: m.name,
      email: m.email,
      groupIds: gids,
      effective,
      ...projections(
        effective.usedMicros,
        effective.remainingMicros,
        budget,
        histories.get(m.id) ?? NO_HISTORY,
        gids.length ? (fallbackOf.get([...gids].sort()[0]!) ?? null) : null,
      ),
    });
  }
  const groupPools: GroupPool[] = groups.map((g) => {
    const used = [...(groupUsage.get(g.id)?.values() ?? [])].reduce((a, b) => a + b, 0n);
    const pool = (byGroup.get(g.id) ?? []).find(
      (p) =>
        p.poolCapMicros !== null &&
        p.product === "" &&
        (!p.startsAt || p.startsAt <= now) &&
        (!p.expiresAt || p.expiresAt > now),
    );
    const cap = pool?.poolCapMicros ?? null;
    return {
      groupId: g.id,
      name: g.name,
      costCenter: g.costCenter,
      memberCount: membersOf.get(g.id)?.length ?? 0,
      usedMicros: used,
      capMicros: cap,
      ...projections(
        used,
        cap === null ? null : cap - used,
        budget,
        groupHist.get(g.id) ?? NO_HISTORY,
        null,
      ),
    };
  });
  const workspaceUsedMicros = [...workspaceUsage.values()].reduce((a, b) => a + b, 0n);
  return { budget, members: out, groups: groupPools, workspaceUsedMicros, workspaceHistory };
}
