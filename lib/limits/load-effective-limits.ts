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
import { jsonList, placeholder, toBigInt } from "../server/sql";
import { readRows, readRowsPreferringIndex } from "../server/sqlite-reader";
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
  isPolicyActive,
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

/**
 * Where this period's usage is summed from, for statements whose other parameters come first:
 * the member-month rollup for a whole month (it equals the daily rollup summed by month, kept
 * in the sync transaction: ~30× fewer rows), else the daily rollup over the period's days.
 */
function periodUsageSource(
  engine: ReturnType<typeof engineOf>,
  key: UsageKey,
  first: number,
  alias = "",
): { table: string; where: string; params: unknown[] } {
  const p = (i: number) => placeholder(engine, first + i);
  return isWholeMonth(key)
    ? {
        table: `"UsageMemberMonth"`,
        where: `${alias}"workspaceId" = ${p(0)} AND ${alias}"month" = ${p(1)}`,
        params: [key.workspaceId, key.start.slice(0, 7)],
      }
    : {
        table: `"UsageDailyRollup"`,
        where: `${alias}"workspaceId" = ${p(0)} AND ${alias}"day" >= ${p(1)} AND ${alias}"day" <= ${p(2)}`,
        params: [key.workspaceId, key.start, key.end],
      };
}

/**
 * Usage this period by (memberKey, product): one member, a list of members (one statement,
 * the ids as one JSON parameter) or null = every member.
 */
async function usageByMemberProduct(
  db: Db,
  key: UsageKey,
  memberKey: string | readonly string[] | null,
): Promise<Map<string, Map<string, bigint>>> {
  const engine = engineOf(db);
  if (typeof memberKey !== "string") {
    if (memberKey !== null && memberKey.length === 0) return new Map();
    // a list first (SQLite binds "?" in text order), then the period
    const list = memberKey === null ? null : JSON.stringify(memberKey);
    const src = periodUsageSource(engine, key, list === null ? 1 : 2);
    // SQLite otherwise picks the (workspaceId, day) index and sorts every row of the period
    // for the GROUP BY; walking (workspaceId, memberKey, day) yields the groups in order (~2× faster)
    const index =
      list === null && engine === "sqlite" && src.table === `"UsageDailyRollup"`
        ? "UsageDailyRollup_workspaceId_memberKey_day_idx"
        : null;
    const rows = await readRowsPreferringIndex<{ m: string; p: string; v: unknown }>(
      db,
      index,
      (hint) =>
        `SELECT "memberKey" AS m, "product" AS p, SUM(${usageColumn(key)}) AS v FROM ${src.table}${hint} WHERE ${list === null ? "" : `"memberKey" IN ${jsonList(engine, 1)} AND `}${src.where} GROUP BY "memberKey", "product"`,
      list === null ? src.params : [list, ...src.params],
    );
    return nest(rows);
  }
  const rows = await readRows<{ m: string; p: string; v: unknown }>(
    db,
    `SELECT "memberKey" AS m, "product" AS p, SUM(${usageColumn(key)}) AS v FROM "UsageDailyRollup" WHERE "workspaceId" = ${placeholder(engine, 1)} AND "day" >= ${placeholder(engine, 2)} AND "day" <= ${placeholder(engine, 3)} AND "memberKey" = ${placeholder(engine, 4)} GROUP BY "memberKey", "product"`,
    [key.workspaceId, key.start, key.end, memberKey],
  );
  return nest(rows);
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

/** A member's effective limit (all products) before its projection. */
export interface MemberEffectiveLimit {
  memberId: string;
  name: string;
  email: string;
  groupIds: string[];
  effective: EffectiveLimit;
}

export interface WorkspaceMemberLimit extends MemberEffectiveLimit {
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

type MemberRecord = { id: string; name: string; email: string };
type Membership = { groupId: string; memberId: string };

/** The workspace's all-products policies, split by what they target. */
export function indexPolicies(policies: readonly PolicyInput[]) {
  const workspace = policies.filter((p) => p.scope === "WORKSPACE");
  const byGroup = new Map<string, PolicyInput[]>();
  const byMember = new Map<string, PolicyInput[]>();
  for (const p of policies) {
    if (p.scope === "GROUP" && p.groupId)
      (byGroup.get(p.groupId) ?? byGroup.set(p.groupId, []).get(p.groupId)!).push(p);
    if (p.scope === "MEMBER" && p.memberId)
      (byMember.get(p.memberId) ?? byMember.set(p.memberId, []).get(p.memberId)!).push(p);
  }
  return { workspace, byGroup, byMember };
}

/** What resolving some members' limits needs: the whole workspace's, or only those members' share. */
/** What the rule is asked with for some members: all read once, whatever their number. */
interface Resolution {
  now: Date;
  budget: WorkspaceBudget;
  /** the groups these members are in, at least (their names) */
  groups: readonly { id: string; name: string }[];
  /** (group, member) pairs in group id order: a member's group ids come in that order */
  memberships: readonly Membership[];
  policies: ReturnType<typeof indexPolicies>;
  /** memberKey → usage by product */
  usage: ReadonlyMap<string, ProductUsage>;
  /** group id → its members' usage by product (at least every pooled group these members are in) */
  groupUsage: ReadonlyMap<string, ProductUsage>;
  /** the workspace's usage by product (needed only when a workspace pool exists) */
  workspaceUsage: ProductUsage;
}

const EMPTY_USAGE: ProductUsage = new Map();

/** The rule (resolveEffectiveLimit) asked for each member, with only their relevant policies. */
function resolveMembers(r: Resolution, members: readonly MemberRecord[]): MemberEffectiveLimit[] {
  const formatUntil = (d: Date) => lastDayBefore(d, r.budget.timezone);
  const groupName = new Map(r.groups.map((g) => [g.id, g.name]));
  const groupsOf = new Map<string, string[]>();
  for (const m of r.memberships)
    (groupsOf.get(m.memberId) ?? groupsOf.set(m.memberId, []).get(m.memberId)!).push(m.groupId);
  return members.map((m) => {
    const gids = groupsOf.get(m.id) ?? [];
    const relevant = [...r.policies.workspace, ...(r.policies.byMember.get(m.id) ?? [])];
    for (const g of gids) relevant.push(...(r.policies.byGroup.get(g) ?? []));
    const effective = resolveEffectiveLimit({
      memberId: m.id,
      product: "",
      groups: gids.map((id) => ({ id, name: groupName.get(id) ?? "?" })),
      policies: relevant,
      now: r.now,
      usage: {
        member: r.usage.get(m.id) ?? EMPTY_USAGE,
        groups: r.groupUsage,
        workspace: r.workspaceUsage,
      },
      formatUntil,
    });
    return { memberId: m.id, name: m.name, email: m.email, groupIds: gids, effective };
  });
}

/** Groups' daily histories and member counts: the fallback of a member whose own history is short. */
export interface GroupHistories {
  histories: ReadonlyMap<string, DailyHistory>;
  memberCount: (groupId: string) => number | undefined;
}

/** The daily histories members' projections learn from (lib/forecast): their own, and groups' as fallback. */
interface ProjectionHistories {
  members: ReadonlyMap<string, DailyHistory>;
  groups: ReadonlyMap<string, DailyHistory>;
  /** a group's member count (its history per member is a short history's fallback) */
  memberCount: (groupId: string) => number | undefined;
}

/** Each row with its projection: its own history, else its first group's (by id) per member. */
function withProjections(
  budget: WorkspaceBudget,
  rows: readonly MemberEffectiveLimit[],
  h: ProjectionHistories,
): WorkspaceMemberLimit[] {
  // one per-member fallback object per group: the forecast learns each once (lib/forecast)
  const fallbackOf = new Map<string, DailyHistory>();
  const fallback = (gid: string) => {
    let f = fallbackOf.get(gid);
    if (f === undefined) {
      const g = h.groups.get(gid);
      if (!g) return null;
      fallbackOf.set(gid, (f = perMember(g, h.memberCount(gid) ?? 1)));
    }
    return f;
  };
  return rows.map((m) => ({
    ...m,
    ...projections(
      m.effective.usedMicros,
      m.effective.remainingMicros,
      budget,
      h.members.get(m.memberId) ?? NO_HISTORY,
      m.groupIds.length ? fallback([...m.groupIds].sort()[0]!) : null,
    ),
  }));
}

/**
 * The histories of some members and of their first groups: one statement per kind, whatever
 * the number of members.
 */
async function projectionHistoriesOf(
  db: Db,
  budget: WorkspaceBudget,
  rows: readonly MemberEffectiveLimit[],
): Promise<ProjectionHistories> {
  const firstGroups = [
    ...new Set(rows.filter((r) => r.groupIds.length).map((r) => [...r.groupIds].sort()[0]!)),
  ];
  const [members, groups, counts] = await Promise.all([
    memberHistories(
      db,
      budget.id,
      budget.unit,
      budget.today,
      rows.map((r) => r.memberId),
    ),
    firstGroups.length
      ? groupHistories(db, budget.id, budget.unit, budget.today, firstGroups)
      : new Map<string, DailyHistory>(),
    firstGroups.length
      ? db.groupMember.groupBy({
          by: ["groupId"],
          where: { groupId: { in: firstGroups } },
          _count: { _all: true },
        })
      : [],
  ]);
  const count = new Map(counts.map((c) => [c.groupId, c._count._all]));
  return { members, groups, memberCount: (g) => count.get(g) };
}

/**
 * Put before a column compared with the workspace's id where rows are also picked by a list of
 * keys: on SQLite a unary "+" keeps the planner off the (workspaceId, …) index, which walks every
 * member or group of the workspace (20,000 at the reference enterprise) to keep a page's few,
 * and makes it look the listed keys up instead. PostgreSQL plans that from its statistics.
 */
function byKey(engine: ReturnType<typeof engineOf>): string {
  return engine === "sqlite" ? "+" : "";
}

/** Memberships in group id order (the order of a member's groups: the rule's ties follow it). */
async function membershipsOf(
  db: Db,
  workspaceId: string,
  memberIds?: readonly string[],
): Promise<Membership[]> {
  const engine = engineOf(db);
  const select = `SELECT gm."groupId" AS "groupId", gm."memberId" AS "memberId" FROM "GroupMember" gm JOIN "Group" g ON g."id" = gm."groupId"`;
  const order = `ORDER BY gm."groupId", gm."memberId"`;
  // everyone's as plain rows: through the ORM, 200,000 people's memberships took ~0.6 s more
  if (!memberIds)
    return readRows<Membership>(
      db,
      `${select} WHERE g."workspaceId" = ${placeholder(engine, 1)} ${order}`,
      [workspaceId],
    );
  return readRows<Membership>(
    db,
    `${select} WHERE gm."memberId" IN ${jsonList(engine, 1)} AND ${byKey(engine)}g."workspaceId" = ${placeholder(engine, 2)} ${order}`,
    [JSON.stringify(memberIds), workspaceId],
  );
}

function policyRowsOf(db: Db, workspaceId: string) {
  return db.limitPolicy.findMany({
    where: { workspaceId, product: "" },
    select: POLICY_SELECT,
    orderBy: { id: "asc" },
  });
}

/** The workspace's active members, by name (people of the same name by id): every read lists them in one order. */
function activeMembersOf(db: Db, workspaceId: string): Promise<MemberRecord[]> {
  const engine = engineOf(db);
  return readRows<MemberRecord>(
    db,
    `SELECT "id", "name", "email" FROM "Member" WHERE "workspaceId" = ${placeholder(engine, 1)} AND "active" = ${engine === "postgres" ? "TRUE" : "1"} ORDER BY "name", "id"`,
    [workspaceId],
  );
}

/**
 * Every active member's effective limit (all products) without projections, and what they
 * were computed from: the members, groups, memberships and usage of the whole workspace.
 * `onlyMemberIds` narrows the rows (a manager's groups) without changing pool figures.
 */
async function resolveWorkspace(
  db: Db,
  workspaceId: string,
  now: Date,
  onlyMemberIds?: ReadonlySet<string>,
  read?: { budget: WorkspaceBudget; policyRows: PolicyRow[] },
) {
  const budget = read?.budget ?? (await loadWorkspaceBudget(db, workspaceId, now));
  const [members, groups, memberships, policyRows, usage] = await Promise.all([
    activeMembersOf(db, workspaceId),
    db.group.findMany({
      where: { workspaceId },
      select: { id: true, name: true, costCenter: true },
      orderBy: { name: "asc" },
    }),
    membershipsOf(db, workspaceId),
    read?.policyRows ?? policyRowsOf(db, workspaceId),
    workspaceUsageAggregate(db, budget),
  ]);
  const membersOf = new Map<string, string[]>();
  for (const m of memberships)
    (membersOf.get(m.groupId) ?? membersOf.set(m.groupId, []).get(m.groupId)!).push(m.memberId);
  const workspaceUsage = new Map<string, bigint>();
  for (const u of usage.values()) addInto(workspaceUsage, u);
  const groupUsage = new Map<string, Map<string, bigint>>();
  for (const g of groups) {
    const sum = new Map<string, bigint>();
    for (const id of membersOf.get(g.id) ?? []) addInto(sum, usage.get(id));
    groupUsage.set(g.id, sum);
  }
  const policies = indexPolicies(policyRows.map(toPolicyInput));
  const resolution = {
    now,
    budget,
    groups,
    memberships,
    policies,
    usage,
    groupUsage,
    workspaceUsage,
  };
  const rows = resolveMembers(
    resolution,
    onlyMemberIds ? members.filter((m) => onlyMemberIds.has(m.id)) : members,
  );
  return { budget, rows, groups, membersOf, policies, groupUsage, workspaceUsage };
}

export type EffectiveLimits = Omit<WorkspaceLimits, "members" | "workspaceHistory"> & {
  members: MemberEffectiveLimit[];
  /** every group's history: projectMemberLimits then reads only the members' own */
  groupHistories: GroupHistories;
};

/**
 * What a whole-workspace resolution was computed from, as one string: the workspace's version
 * stamp (every audited change to people, groups, memberships, limits and settings moves
 * `config`, every sync page commit `usage`: lib/server/workspace-version.ts), the budget as of
 * `now` (unit, seats, timezone, period, today) and the all-products policies as read now, each
 * with whether it is active at `now` — the only way the rule depends on the time. A policy
 * written without an audit event (a test's fixture, a script) still changes it.
 */
function resolutionKey(
  version: WorkspaceVersion,
  budget: WorkspaceBudget,
  policyRows: readonly PolicyRow[],
  now: Date,
): string {
  const policies = policyRows.map((p) =>
    [
      p.id,
      p.scope,
      p.groupId,
      p.memberId,
      p.amountMicros,
      p.poolCapMicros,
      p.softThresholdPct,
      p.action,
      p.startsAt?.getTime(),
      p.expiresAt?.getTime(),
      p.note,
      p.sourceRequestId,
      isPolicyActive(p, now) ? "on" : "off",
    ].join("\u0001"),
  );
  return JSON.stringify([
    version.config,
    version.usage,
    budget.unit,
    budget.seats,
    budget.timezone,
    budget.period.start,
    budget.period.end,
    budget.today,
    policies,
  ]);
}

// The Limits screen's whole-workspace resolution (every member's limit, the groups' pools), one
// per workspace, kept while its key (resolutionKey) holds: at 20,000 people reading and
// resolving everyone is most of a second, and every navigation, filter and page of the screen
// asks for the same set.
const keptResolutions = new WeakMap<
  Db,
  Map<string, { key: string; value: Promise<EffectiveLimits> }>
>();

/** Forgets the kept resolutions of `db` (the bench times a resolution from nothing kept). */
export function forgetKeptResolutions(db: Db): void {
  keptResolutions.delete(db);
}

/**
 * Every active member's effective limit (all products) without the projections: what the
 * vendors' plans enforce and the Limits screen counts, filters and sorts (one page of it is
 * then projected with projectMemberLimits); the pools' figures are the whole workspace's. The
 * whole workspace's resolution is kept while nothing it was computed from has changed
 * (resolutionKey); `onlyMemberIds` narrows its rows (the rule resolves each member on their own: the same rows).
 */
export async function loadWorkspaceEffectiveLimits(
  db: Db,
  workspaceId: string,
  now: Date,
  onlyMemberIds?: ReadonlySet<string>,
): Promise<EffectiveLimits> {
  // the version first: a change committed after it is read moves it, so what is kept under
  // this key is never older than the key says
  const version = await readWorkspaceVersion(db, workspaceId);
  const [budget, policyRows] = await Promise.all([
    loadWorkspaceBudget(db, workspaceId, now),
    policyRowsOf(db, workspaceId),
  ]);
  const key = resolutionKey(version, budget, policyRows, now);
  let perDb = keptResolutions.get(db);
  if (!perDb) keptResolutions.set(db, (perDb = new Map()));
  const entries = perDb;
  let hit = entries.get(workspaceId);
  if (!hit || hit.key !== key) {
    const value = (async (): Promise<EffectiveLimits> => {
      const w = await resolveWorkspace(db, workspaceId, now, undefined, { budget, policyRows });
      const groupHist = await groupHistories(db, workspaceId, budget.unit, budget.today, null);
      return {
        budget: w.budget,
        members: w.rows,
        groups: groupPools(w, groupHist, now),
        workspaceUsedMicros: [...w.workspaceUsage.values()].reduce((a, b) => a + b, 0n),
        groupHistories: { histories: groupHist, memberCount: (g) => w.membersOf.get(g)?.length },
      };
    })();
    hit = { key, value };
    entries.set(workspaceId, hit);
    value.catch(() => {
      if (entries.get(workspaceId)?.value === value) entries.delete(workspaceId);
    });
  }
  const whole = await hit.value;
  return {
    ...whole,
    // this request's budget (the same figures: its period and day are in the key)
    budget,
    members: onlyMemberIds
      ? whole.members.filter((m) => onlyMemberIds.has(m.memberId))
      : whole.members,
  };
}

/** Some rows of loadWorkspaceEffectiveLimits with their projections (only their histories are read). */
export async function projectMemberLimits(
  db: Db,
  budget: WorkspaceBudget,
  rows: readonly MemberEffectiveLimit[],
  /** the groups' histories already read (loadWorkspaceEffectiveLimits'): only the members' are read */
  groups?: GroupHistories,
): Promise<WorkspaceMemberLimit[]> {
  if (!groups) return withProjections(budget, rows, await projectionHistoriesOf(db, budget, rows));
  const members = await memberHistories(
    db,
    budget.id,
    budget.unit,
    budget.today,
    rows.map((r) => r.memberId),
  );
  return withProjections(budget, rows, {
    members,
    groups: groups.histories,
    memberCount: groups.memberCount,
  });
}

/** Each group's pool: its members' spend this period, its active pooled cap, the projection. */
function groupPools(
  w: Pick<
    Awaited<ReturnType<typeof resolveWorkspace>>,
    "budget" | "groups" | "membersOf" | "policies" | "groupUsage"
  >,
  /** every group's daily spend (groupHistories of all) */
  groupHist: ReadonlyMap<string, DailyHistory>,
  now: Date,
): GroupPool[] {
  const { budget } = w;
  return w.groups.map((g) => {
    const used = [...(w.groupUsage.get(g.id)?.values() ?? [])].reduce((a, b) => a + b, 0n);
    const pool = (w.policies.byGroup.get(g.id) ?? []).find(
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
      memberCount: w.membersOf.get(g.id)?.length ?? 0,
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
}

/**
 * Every active member's effective limit (all products) with their projections (the alerts warn
 * on them; at 20,000 people the forecasts are most of its time) in a handful of queries; the
 * resolver gets only each member's relevant policies, so the work is linear in members and
 * policies.
 * `onlyMemberIds` narrows the result (a manager's groups) without changing pool figures.
 */
export async function loadWorkspaceLimits(
  db: Db,
  workspaceId: string,
  now: Date,
  onlyMemberIds?: ReadonlySet<string>,
): Promise<WorkspaceLimits> {
  const w = await resolveWorkspace(db, workspaceId, now, onlyMemberIds);
  const { budget } = w;
  // every member's history, also for a manager's subset: the workspace pool's projection sums them
  const [histories, groupHist] = await Promise.all([
    memberHistories(db, workspaceId, budget.unit, budget.today, null),
    groupHistories(db, workspaceId, budget.unit, budget.today, null),
  ]);
  const groups = groupPools(w, groupHist, now);
  const workspaceHistory = new Map<DayKey, bigint>();
  for (const h of histories.values())
    for (const [d, v] of h) workspaceHistory.set(d, (workspaceHistory.get(d) ?? 0n) + v);
  const members = withProjections(budget, w.rows, {
    members: histories,
    groups: groupHist,
    memberCount: (g) => w.membersOf.get(g)?.length,
  });
  const workspaceUsedMicros = [...w.workspaceUsage.values()].reduce((a, b) => a + b, 0n);
  return { budget, members, groups, workspaceUsedMicros, workspaceHistory };
}

/**
 * The effective limits of some members, the same rows loadWorkspaceLimits has for them, from
 * what those members need only (their usage, their pooled groups' usage, the workspace's only
 * under a workspace pool, their histories): one statement per concern whatever their number,
 * not the whole workspace. Inactive and unknown members are absent.
 */
export async function loadSomeMemberLimits(
  db: Db,
  workspaceId: string,
  memberIds: readonly string[],
  now: Date,
): Promise<{ budget: WorkspaceBudget; members: WorkspaceMemberLimit[] }> {
  const budget = await loadWorkspaceBudget(db, workspaceId, now);
  if (memberIds.length === 0) return { budget, members: [] };
  const key = usageKeyOf(budget);
  const engine = engineOf(db);
  const ids = JSON.stringify([...new Set(memberIds)]);
  const [members, memberships, policyRows, usage] = await Promise.all([
    readRows<MemberRecord>(
      db,
      `SELECT "id", "name", "email" FROM "Member" WHERE "id" IN ${jsonList(engine, 1)} AND ${byKey(engine)}"workspaceId" = ${placeholder(engine, 2)} AND "active" = ${engine === "postgres" ? "TRUE" : "1"} ORDER BY "name", "id"`,
      [ids, workspaceId],
    ),
    membershipsOf(db, workspaceId, memberIds),
    policyRowsOf(db, workspaceId),
    usageByMemberProduct(db, key, memberIds),
  ]);
  const policies = indexPolicies(policyRows.map(toPolicyInput));
  const theirGroups = [...new Set(memberships.map((m) => m.groupId))];
  // pools: the usage of their groups that have one, the workspace's when it has one
  const pooled = theirGroups.filter((g) =>
    (policies.byGroup.get(g) ?? []).some((p) => p.poolCapMicros !== null),
  );
  const workspacePool = policies.workspace.some((p) => p.poolCapMicros !== null);
  const [groups, groupUsage, workspaceUsage] = await Promise.all([
    theirGroups.length
      ? db.group.findMany({
          where: { workspaceId, id: { in: theirGroups } },
          select: { id: true, name: true },
        })
      : [],
    pooledGroupUsage(db, key, pooled),
    workspacePool ? workspaceUsageByProduct(db, key) : EMPTY_USAGE,
  ]);
  const read = { now, budget, groups, memberships, policies, usage, groupUsage, workspaceUsage };
  return { budget, members: await projectMemberLimits(db, budget, resolveMembers(read, members)) };
}

/** Some groups' members' usage this period by product (a member in two groups counts in both). */
async function pooledGroupUsage(
  db: Db,
  key: UsageKey,
  groupIds: readonly string[],
): Promise<Map<string, Map<string, bigint>>> {
  if (groupIds.length === 0) return new Map();
  const engine = engineOf(db);
  const src = periodUsageSource(engine, key, 2, "r.");
  const rows = await readRows<{ m: string; p: string; v: unknown }>(
    db,
    `SELECT gm."groupId" AS m, r."product" AS p, SUM(${usageColumn(key, "r.")}) AS v FROM ${src.table} r JOIN "GroupMember" gm ON gm."memberId" = r."memberKey" WHERE gm."groupId" IN ${jsonList(engine, 1)} AND ${src.where} GROUP BY gm."groupId", r."product"`,
    [JSON.stringify(groupIds), ...src.params],
  );
  return nest(rows);
}

/** The whole workspace's usage this period by product (attributed or not). */
async function workspaceUsageByProduct(db: Db, key: UsageKey): Promise<Map<string, bigint>> {
  const engine = engineOf(db);
  const src = periodUsageSource(engine, key, 1);
  const rows = await readRows<{ p: string; v: unknown }>(
    db,
    `SELECT "product" AS p, SUM(${usageColumn(key)}) AS v FROM ${src.table} WHERE ${src.where} GROUP BY "product"`,
    src.params,
  );
  return new Map(rows.map((r) => [r.p, toBigInt(r.v)]));
}
