/**
 * Feeds the pure resolver from the database: policies, group memberships and this
 * period's usage from UsageDailyRollup, in a handful of queries — one member (budget
 * check, engineer page, request snapshot) or every member of a workspace (Limits screen,
 * vendor connectors; 20,000 members in well under a second).
 */
import "server-only";
import type { Db } from "../db";
import type { Unit } from "../money";
import { currentPeriod, lastDayBefore, periodContaining, todayIn, type BudgetPeriod, type DayKey, type Period } from "../period";
import { placeholder, toBigInt } from "../sql";
import { currentEngine } from "../db";
import { projectedExhaustion, projectPeriodEnd } from "../projection";
import { resolveEffectiveLimit, type EffectiveLimit, type PolicyInput, type ProductUsage } from "./resolve-effective-limit";

export interface WorkspaceBudget {
  id: string;
  name: string;
  unit: Unit;
  timezone: string;
  budgetPeriod: BudgetPeriod;
  period: Period;
  today: DayKey;
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

// Workspace budget settings (unit, period, timezone) change rarely; the budget check reads
// them through a short cache. The settings writer clears it in its own process; other
// processes pick a change up within WORKSPACE_TTL_MS. Limits are never cached.
const WORKSPACE_TTL_MS = 5_000;
type WorkspaceRow = { id: string; name: string; budgetUnit: Unit; timezone: string; budgetPeriod: string };
const workspaceCache = new Map<string, { at: number; row: WorkspaceRow }>();

export function forgetWorkspaceBudget(workspaceId: string): void {
  workspaceCache.delete(workspaceId);
}

export async function loadWorkspaceBudget(db: Db, workspaceId: string, now: Date, opts: { cached?: boolean } = {}): Promise<WorkspaceBudget> {
  const hit = opts.cached ? workspaceCache.get(workspaceId) : undefined;
  if (hit && Date.now() - hit.at < WORKSPACE_TTL_MS) return budgetOf(hit.row, now);
  const row = await db.workspace.findUniqueOrThrow({ where: { id: workspaceId }, select: { id: true, name: true, budgetUnit: true, timezone: true, budgetPeriod: true } });
  workspaceCache.set(workspaceId, { at: Date.now(), row });
  return budgetOf(row, now);
}

export function budgetOf(ws: { id: string; name: string; budgetUnit: Unit; timezone: string; budgetPeriod: string }, now: Date): WorkspaceBudget {
  const budgetPeriod = ws.budgetPeriod as BudgetPeriod;
  return { id: ws.id, name: ws.name, unit: ws.budgetUnit, timezone: ws.timezone, budgetPeriod, period: currentPeriod(budgetPeriod, ws.timezone, now), today: todayIn(ws.timezone, now) };
}

function usageColumn(unit: Unit): string {
  return unit === "USD" ? `"costMicros"` : `"creditsMicros"`;
}

/** Usage this period by (memberKey, product); memberKey null = every member. */
async function usageByMemberProduct(db: Db, budget: WorkspaceBudget, memberKey: string | null): Promise<Map<string, Map<string, bigint>>> {
  const engine = currentEngine();
  const params: unknown[] = [budget.id, budget.period.start, budget.period.end];
  if (memberKey === null && isWholeMonth(budget.period)) {
    // UsageMemberMonth equals the daily rollup summed by month (kept in the sync transaction):
    // ~30× fewer rows for the whole-workspace aggregate of a monthly budget period
    const rows = await db.$queryRawUnsafe<{ m: string; p: string; v: unknown }[]>(
      `SELECT "memberKey" AS m, "product" AS p, SUM(${usageColumn(budget.unit)}) AS v FROM "UsageMemberMonth" WHERE "workspaceId" = ${placeholder(engine, 1)} AND "month" = ${placeholder(engine, 2)} GROUP BY "memberKey", "product"`,
      budget.id,
      budget.period.start.slice(0, 7),
    );
    return nest(rows);
  }
  // SQLite otherwise picks the (workspaceId, day) index and sorts every row of the period for
  // the GROUP BY; walking (workspaceId, memberKey, day) yields the groups in order (~2× faster)
  const hint = memberKey === null && engine === "sqlite" ? ` INDEXED BY "UsageDailyRollup_workspaceId_memberKey_day_idx"` : "";
  let sql = `SELECT "memberKey" AS m, "product" AS p, SUM(${usageColumn(budget.unit)}) AS v FROM "UsageDailyRollup"${hint} WHERE "workspaceId" = ${placeholder(engine, 1)} AND "day" >= ${placeholder(engine, 2)} AND "day" <= ${placeholder(engine, 3)}`;
  if (memberKey !== null) {
    params.push(memberKey);
    sql += ` AND "memberKey" = ${placeholder(engine, 4)}`;
  }
  sql += ` GROUP BY "memberKey", "product"`;
  return nest(await db.$queryRawUnsafe<{ m: string; p: string; v: unknown }[]>(sql, ...params));
}

function isWholeMonth(p: Period): boolean {
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

// Pool usage (a group's or the whole workspace's spend) is an aggregate over many rows; the
// budget check reads it through a short cache. Limits themselves are never cached, so a
// changed limit is visible to the next check; pool usage is at most POOL_TTL_MS stale
// (ingestion is itself hours behind the provider).
const POOL_TTL_MS = 5_000;
const poolCache = new Map<string, { at: number; value: Map<string, bigint> }>();

async function poolUsage(db: Db, budget: WorkspaceBudget, groupId: string | null): Promise<Map<string, bigint>> {
  const key = `${budget.id}|${budget.unit}|${budget.period.start}|${groupId ?? "*"}`;
  const hit = poolCache.get(key);
  if (hit && Date.now() - hit.at < POOL_TTL_MS) return hit.value;
  const engine = currentEngine();
  const col = usageColumn(budget.unit);
  const rows =
    groupId === null
      ? await db.$queryRawUnsafe<{ p: string; v: unknown }[]>(
          `SELECT "product" AS p, SUM(${col}) AS v FROM "UsageDailyRollup" WHERE "workspaceId" = ${placeholder(engine, 1)} AND "day" >= ${placeholder(engine, 2)} AND "day" <= ${placeholder(engine, 3)} GROUP BY "product"`,
          budget.id,
          budget.period.start,
          budget.period.end,
        )
      : await db.$queryRawUnsafe<{ p: string; v: unknown }[]>(
          `SELECT r."product" AS p, SUM(r.${col}) AS v FROM "UsageDailyRollup" r JOIN "GroupMember" gm ON gm."memberId" = r."memberKey" AND gm."groupId" = ${placeholder(engine, 1)} WHERE r."workspaceId" = ${placeholder(engine, 2)} AND r."day" >= ${placeholder(engine, 3)} AND r."day" <= ${placeholder(engine, 4)} GROUP BY r."product"`,
          groupId, // SQLite binds "?" in text order: keep parameters in the order they appear
          budget.id,
          budget.period.start,
          budget.period.end,
        );
  const value = new Map(rows.map((r) => [r.p, toBigInt(r.v)]));
  poolCache.set(key, { at: Date.now(), value });
  return value;
}

// The whole workspace's usage aggregate is the one expensive read behind the Limits screen
// (millions of rollup rows at 20,000 members). Rollups only change when a sync commits a
// page, and each page commit also updates its Connection row, so the newest Connection
// update is a version for the aggregate: reuse it while that version holds (at most a minute).
const AGGREGATE_TTL_MS = 60_000;
const aggregateCache = new Map<string, { version: string; at: number; value: Map<string, Map<string, bigint>> }>();

async function usageVersion(db: Db, workspaceId: string): Promise<string> {
  const r = await db.connection.aggregate({ where: { workspaceId }, _max: { updatedAt: true }, _count: { _all: true } });
  return `${r._count._all}|${r._max.updatedAt?.getTime() ?? 0}`;
}

async function workspaceUsageAggregate(db: Db, budget: WorkspaceBudget): Promise<Map<string, Map<string, bigint>>> {
  const key = `${budget.id}|${budget.unit}|${budget.period.start}|${budget.period.end}`;
  const version = await usageVersion(db, budget.id);
  const hit = aggregateCache.get(key);
  if (hit && hit.version === version && Date.now() - hit.at < AGGREGATE_TTL_MS) return hit.value;
  const value = await usageByMemberProduct(db, budget, null);
  aggregateCache.set(key, { version, at: Date.now(), value });
  return value;
}

export interface MemberLimit {
  budget: WorkspaceBudget;
  effective: EffectiveLimit;
  /** spend at period end at the pace so far (same product scope as `used`) */
  projectedMicros: bigint;
  exhaustionDay: DayKey | null;
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
  /** the budget check passes the groups it already has and reads workspace settings through the cache */
  opts: { groups?: { id: string; name: string }[]; cachedWorkspace?: boolean } = {},
): Promise<MemberLimit> {
  const [budget, groups] = await Promise.all([
    loadWorkspaceBudget(db, workspaceId, now, { cached: opts.cachedWorkspace }),
    opts.groups
      ? Promise.resolve(opts.groups)
      : memberId
        ? db.groupMember.findMany({ where: { memberId, group: { workspaceId } }, select: { group: { select: { id: true, name: true } } } }).then((rows) => rows.map((m) => m.group))
        : Promise.resolve([]),
  ]);
  const targets = ["WORKSPACE", ...groups.map((g) => `GROUP:${g.id}`), ...(memberId ? [`MEMBER:${memberId}`] : [])];
  const [policyRows, usage] = await Promise.all([
    db.limitPolicy.findMany({ where: { workspaceId, target: { in: targets }, product: product === "" ? "" : { in: ["", product] } }, select: POLICY_SELECT }),
    memberId ? usageByMemberProduct(db, budget, memberId) : Promise.resolve(new Map<string, Map<string, bigint>>()),
  ]);
  const policies = policyRows.map(toPolicyInput);
  const groupUsage = new Map<string, ProductUsage>();
  let workspaceUsage: ProductUsage = new Map();
  const pooled = policies.filter((p) => p.poolCapMicros !== null);
  await Promise.all(
    pooled.map(async (p) => {
      if (p.scope === "GROUP" && p.groupId && !groupUsage.has(p.groupId)) groupUsage.set(p.groupId, await poolUsage(db, budget, p.groupId));
      if (p.scope === "WORKSPACE") workspaceUsage = await poolUsage(db, budget, null);
    }),
  );
  const memberUsage = (memberId && usage.get(memberId)) || new Map<string, bigint>();
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
  return { budget, effective, ...projections(effective, budget) };
}

function projections(e: EffectiveLimit, budget: WorkspaceBudget) {
  return {
    projectedMicros: projectPeriodEnd(e.usedMicros, budget.period, budget.today),
    exhaustionDay: projectedExhaustion(e.usedMicros, e.remainingMicros, budget.period, budget.today),
  };
}

export interface WorkspaceMemberLimit {
  memberId: string;
  name: string;
  email: string;
  groupIds: string[];
  effective: EffectiveLimit;
  projectedMicros: bigint;
  exhaustionDay: DayKey | null;
}

export interface GroupPool {
  groupId: string;
  name: string;
  costCenter: string;
  memberCount: number;
  usedMicros: bigint;
  capMicros: bigint | null;
  projectedMicros: bigint;
  exhaustionDay: DayKey | null;
}

export interface WorkspaceLimits {
  budget: WorkspaceBudget;
  members: WorkspaceMemberLimit[];
  groups: GroupPool[];
  workspaceUsedMicros: bigint;
}

/**
 * Every active member's effective limit (all products) in four queries; the resolver gets
 * only each member's relevant policies, so the work is linear in members + policies.
 * `onlyMemberIds` narrows the result (a manager's groups) without changing pool figures.
 */
export async function loadWorkspaceLimits(db: Db, workspaceId: string, now: Date, onlyMemberIds?: ReadonlySet<string>): Promise<WorkspaceLimits> {
  const budget = await loadWorkspaceBudget(db, workspaceId, now);
  const [members, groups, memberships, policyRows, usage] = await Promise.all([
    db.member.findMany({ where: { workspaceId, active: true }, select: { id: true, name: true, email: true }, orderBy: { name: "asc" } }),
    db.group.findMany({ where: { workspaceId }, select: { id: true, name: true, costCenter: true }, orderBy: { name: "asc" } }),
    db.groupMember.findMany({ where: { group: { workspaceId } }, select: { groupId: true, memberId: true } }),
    db.limitPolicy.findMany({ where: { workspaceId, product: "" }, select: POLICY_SELECT }),
    workspaceUsageAggregate(db, budget),
  ]);
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
    if (p.scope === "GROUP" && p.groupId) (byGroup.get(p.groupId) ?? byGroup.set(p.groupId, []).get(p.groupId)!).push(p);
    if (p.scope === "MEMBER" && p.memberId) (byMember.get(p.memberId) ?? byMember.set(p.memberId, []).get(p.memberId)!).push(p);
  }
  const formatUntil = (d: Date) => lastDayBefore(d, budget.timezone);
  const empty = new Map<string, bigint>();
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
    out.push({ memberId: m.id, name: m.name, email: m.email, groupIds: gids, effective, ...projections(effective, budget) });
  }
  const groupPools: GroupPool[] = groups.map((g) => {
    const used = [...(groupUsage.get(g.id)?.values() ?? [])].reduce((a, b) => a + b, 0n);
    const pool = (byGroup.get(g.id) ?? []).find((p) => p.poolCapMicros !== null && p.product === "" && (!p.startsAt || p.startsAt <= now) && (!p.expiresAt || p.expiresAt > now));
    const cap = pool?.poolCapMicros ?? null;
    return {
      groupId: g.id,
      name: g.name,
      costCenter: g.costCenter,
      memberCount: membersOf.get(g.id)?.length ?? 0,
      usedMicros: used,
      capMicros: cap,
      projectedMicros: projectPeriodEnd(used, budget.period, budget.today),
      exhaustionDay: projectedExhaustion(used, cap === null ? null : cap - used, budget.period, budget.today),
    };
  });
  const workspaceUsedMicros = [...workspaceUsage.values()].reduce((a, b) => a + b, 0n);
  return { budget, members: out, groups: groupPools, workspaceUsedMicros };
}
