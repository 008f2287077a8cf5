/**
 * The Limits screen's data: every policy with what it targets, every member's effective
 * limit with its reason, groups by pool consumption — narrowed to a manager's groups.
 */
import "server-only";

import type { Actor } from "../auth/actor";
import { can } from "../auth/permissions";
import { membersOfManagedGroups } from "../auth/scope";
import { ForbiddenError, InvalidInputError, NotFoundError } from "../core/errors";
import { percentOf, type Unit } from "../core/money";
import { lastDayBefore } from "../core/period";
import {
  MEMBER_LABEL_SELECT,
  memberSublabel,
  shownEmail,
  type LabelSubject,
} from "../people/member-label";
import { labelSubject, loadServiceAccounts, type ServiceAccounts } from "../people/service-labels";
import type { Db } from "../server/db";
import { readWorkspaceVersion } from "../server/workspace-version";
import { keptRead } from "./kept-reads";
import {
  loadMemberLimit,
  loadSomeMemberLimits,
  loadWorkspaceBudget,
  loadWorkspaceEffectiveLimits,
  loadWorkspaceLimits,
  projectMemberLimits,
  type GroupPool,
  type MemberEffectiveLimit,
  type MemberLimit,
  type WorkspaceBudget,
  type WorkspaceMemberLimit,
} from "./load-effective-limits";
import {
  MEMBERS_PAGE_SIZE,
  type MemberSort,
  type MembersQuery,
  type MemberStateFilter,
} from "./members-query";
import { isPolicyActive, type LimitState } from "./resolve-effective-limit";

export interface PolicyView {
  id: string;
  scope: "WORKSPACE" | "GROUP" | "MEMBER";
  targetId: string | null;
  /** "Workspace", the group's or the member's name */
  targetName: string;
  /** the line under a member's name (memberSublabel: email, or service account and owner) */
  targetDetail: string | null;
  product: string;
  amountMicros: bigint | null;
  poolCapMicros: bigint | null;
  softThresholdPct: number;
  action: string;
  startsOn: string | null;
  expiresOn: string | null;
  note: string | null;
  sourceRequestId: number | null;
  /** "" = the editors' policy; "request:<id>" = the override an approved request added beside it */
  slot: string;
  version: number;
  active: boolean;
  updatedBy: string | null;
  updatedAt: string;
}

export interface MemberRow {
  memberId: string;
  name: string;
  email: string;
  /** the line under the name: the email, or "Service account · owner …" (memberSublabel) */
  sublabel: string;
  groups: string[];
  limitMicros: bigint | null;
  usedMicros: bigint;
  remainingMicros: bigint | null;
  usedPct: number | null;
  state: LimitState;
  level: string;
  reason: string;
  projectedMicros: bigint;
  /** earliest run-out (the forecast band's high side) */
  exhaustionDay: string | null;
  /** latest run-out (the low side); null = maybe not this period */
  exhaustionLatestDay: string | null;
}

export interface LimitsOverview {
  budget: WorkspaceBudget;
  readOnly: { workspace: boolean; groupsAndMembers: boolean };
  /** policy history comes from the audit trail: people who read all limits (not managers) */
  canSeeHistory: boolean;
  scopeLabel: string;
  policies: PolicyView[];
  /** every member in scope, or with a MembersQuery the one page of those it matches */
  members: MemberRow[];
  /** with a MembersQuery: the query as applied, how many members match it and the page shown */
  memberPage: (MembersQuery & { total: number; pages: number; pageSize: number }) | null;
  groups: (GroupPool & { usedPct: number | null })[];
  workspaceUsedMicros: bigint;
  /** of every member in scope, whatever the query */
  counts: { over: number; soft: number; members: number };
}

/**
 * The workspace's service accounts (how a member's line reads), kept while the workspace's
 * version holds (people and their kind and owner change only through audited writes, which move
 * it): finding them is a scan of every member, on each navigation of the screen otherwise.
 */
async function keptServiceAccounts(db: Db, workspaceId: string): Promise<ServiceAccounts> {
  const v = await readWorkspaceVersion(db, workspaceId);
  return keptRead(db, `limits-screen:services:${workspaceId}`, `${v.config}|${v.usage}`, () =>
    loadServiceAccounts(db, workspaceId),
  );
}

type PolicyRecord = Awaited<ReturnType<Db["limitPolicy"]["findFirstOrThrow"]>> & {
  group: { name: string } | null;
  member: LabelSubject | null;
};

const POLICY_INCLUDE = {
  group: { select: { name: true } },
  member: { select: MEMBER_LABEL_SELECT },
} as const;

/** A policy row as the editors show it: its target's name, its days in the workspace's timezone. */
function toPolicyView(
  p: PolicyRecord,
  tz: string,
  now: Date,
  updaters: Map<string, string>,
): PolicyView {
  return {
    id: p.id,
    scope: p.scope,
    targetId: p.groupId ?? p.memberId,
    targetName:
      p.scope === "WORKSPACE"
        ? "Workspace"
        : p.scope === "GROUP"
          ? (p.group?.name ?? "?")
          : (p.member?.name ?? "?"),
    targetDetail: p.scope === "MEMBER" && p.member ? memberSublabel(p.member) : null,
    product: p.product,
    amountMicros: p.amountMicros,
    poolCapMicros: p.poolCapMicros,
    softThresholdPct: p.softThresholdPct,
    action: p.action,
    startsOn: p.startsAt ? lastDayBefore(new Date(p.startsAt.getTime() + 1), tz) : null,
    expiresOn: p.expiresAt ? lastDayBefore(p.expiresAt, tz) : null,
    note: p.note,
    sourceRequestId: p.sourceRequestId,
    slot: p.slot,
    version: p.version,
    active: isPolicyActive(p, now),
    updatedBy: p.updatedById ? (updaters.get(p.updatedById) ?? null) : null,
    updatedAt: p.updatedAt.toISOString(),
  };
}

type MemberBase = Omit<MemberRow, "projectedMicros" | "exhaustionDay" | "exhaustionLatestDay">;
type MemberProjection = Pick<
  WorkspaceMemberLimit,
  "projectedMicros" | "exhaustionDay" | "exhaustionLatestDay"
>;

function projected(b: MemberBase, p: MemberProjection): MemberRow {
  return {
    ...b,
    projectedMicros: p.projectedMicros,
    exhaustionDay: p.exhaustionDay,
    exhaustionLatestDay: p.exhaustionLatestDay,
  };
}

function matches(r: MemberBase, state: MemberStateFilter, text: string): boolean {
  if (state === "attention" ? r.state === "ok" : state !== "all" && r.state !== state) return false;
  if (!text) return true;
  // the sublabel is a person's email, a service account's "Service account · owner …": its
  // internal address (…@service.invalid) is shown nowhere, so it matches nothing
  return (
    r.name.toLowerCase().includes(text) ||
    r.sublabel.toLowerCase().includes(text) ||
    r.groups.some((g) => g.toLowerCase().includes(text))
  );
}

/** The Limits screen's member orders (a stable sort: ties keep the name order). */
function compareRows(a: MemberRow | MemberBase, b: MemberRow | MemberBase, sort: MemberSort) {
  if (sort === "name") return a.name.localeCompare(b.name);
  if (sort === "used")
    return b.usedMicros > a.usedMicros ? 1 : b.usedMicros < a.usedMicros ? -1 : 0;
  if (sort === "exhaustion")
    return ((a as MemberRow).exhaustionDay ?? "9999").localeCompare(
      (b as MemberRow).exhaustionDay ?? "9999",
    );
  return (b.usedPct ?? -1) - (a.usedPct ?? -1);
}

/**
 * The Limits screen. Without a query: every member in scope with their projection (the
 * route's plain JSON). With one: the members it matches are filtered, counted and sorted on
 * the whole set and one page is sent; only that page's projections are computed (all the
 * matching members' when sorted by run-out day).
 */
export async function getLimitsOverview(
  db: Db,
  actor: Actor,
  now: Date,
  query?: MembersQuery,
): Promise<LimitsOverview> {
  const all = can(actor, "limits:read:all");
  if (!all && !can(actor, "spend:read:groups")) throw new ForbiddenError();
  let memberFilter: Set<string> | undefined;
  if (!all) memberFilter = new Set(await membersOfManagedGroups(db, actor));
  const [limits, policyRows, services] = await Promise.all([
    query
      ? loadWorkspaceEffectiveLimits(db, actor.workspaceId, now, memberFilter)
      : loadWorkspaceLimits(db, actor.workspaceId, now, memberFilter),
    db.limitPolicy.findMany({
      where: { workspaceId: actor.workspaceId },
      include: POLICY_INCLUDE,
      // several overrides per member (an editor's and the grants beside it): keep a member's together
      orderBy: [
        { scope: "asc" },
        { target: "asc" },
        { slot: "asc" },
        { createdAt: "asc" },
        { id: "asc" },
      ],
    }),
    keptServiceAccounts(db, actor.workspaceId),
  ]);
  const tz = limits.budget.timezone;
  const updaterIds = [
    ...new Set(policyRows.map((p) => p.updatedById).filter((x): x is string => !!x)),
  ];
  const updaters = new Map(
    (
      await db.member.findMany({
        where: { id: { in: updaterIds } },
        select: { id: true, email: true },
      })
    ).map((m) => [m.id, m.email]),
  );
  const groupName = new Map(limits.groups.map((g) => [g.groupId, g.name]));
  const visiblePolicies = policyRows
    // a grant that has ended is history (its request keeps it); active and scheduled ones are listed
    .filter(
      (p) => !(p.slot !== "" && p.expiresAt !== null && p.expiresAt.getTime() <= now.getTime()),
    )
    .filter(
      (p) =>
        all ||
        p.scope === "WORKSPACE" ||
        (p.groupId && actor.managedGroupIds.includes(p.groupId)) ||
        (p.memberId && memberFilter?.has(p.memberId)),
    );
  const policies = visiblePolicies.map((p) => toPolicyView(p, tz, now, updaters));
  const base = (m: MemberEffectiveLimit): MemberBase => ({
    memberId: m.memberId,
    name: m.name,
    // a service account's internal address is never sent to the browser
    email: shownEmail(labelSubject(services, m.memberId, m)),
    sublabel: memberSublabel(labelSubject(services, m.memberId, m)),
    groups: m.groupIds.map((g) => groupName.get(g) ?? "?"),
    limitMicros: m.effective.limitMicros,
    usedMicros: m.effective.usedMicros,
    remainingMicros: m.effective.remainingMicros,
    usedPct:
      m.effective.limitMicros === null
        ? null
        : percentOf(m.effective.usedMicros, m.effective.limitMicros),
    state: m.effective.state,
    level: m.effective.level,
    reason: m.effective.reason,
  });
  const everyone = limits.members.map(base);
  let members: MemberRow[];
  let memberPage: LimitsOverview["memberPage"] = null;
  if (!query) {
    // without a query the rows are loadWorkspaceLimits', projections included
    const rows = limits.members as WorkspaceMemberLimit[];
    members = everyone.map((b, i) => projected(b, rows[i]!));
  } else {
    // the groups' histories the whole workspace's resolution read: only the page's members' are read
    const groupHistories = "groupHistories" in limits ? limits.groupHistories : undefined;
    const text = query.q.toLowerCase();
    const matching = everyone.flatMap((b, i) =>
      matches(b, query.state, text) ? [{ b, m: limits.members[i]! }] : [],
    );
    const pages = Math.max(1, Math.ceil(matching.length / MEMBERS_PAGE_SIZE));
    const page = Math.min(query.page, pages);
    const slice = <T>(list: T[]) =>
      list.slice((page - 1) * MEMBERS_PAGE_SIZE, page * MEMBERS_PAGE_SIZE);
    if (query.sort === "exhaustion") {
      // the run-out day is the projection's: every matching member's is needed to order them
      const p = await projectMemberLimits(
        db,
        limits.budget,
        matching.map((x) => x.m),
        groupHistories,
      );
      const rows = matching.map((x, i) => projected(x.b, p[i]!));
      members = slice(rows.sort((a, b) => compareRows(a, b, "exhaustion")));
    } else {
      const shown = slice(matching.sort((a, b) => compareRows(a.b, b.b, query.sort)));
      const p = await projectMemberLimits(
        db,
        limits.budget,
        shown.map((x) => x.m),
        groupHistories,
      );
      members = shown.map((x, i) => projected(x.b, p[i]!));
    }
    memberPage = { ...query, page, pages, total: matching.length, pageSize: MEMBERS_PAGE_SIZE };
  }
  const groups = limits.groups
    .filter((g) => all || actor.managedGroupIds.includes(g.groupId))
    .map((g) => ({
      ...g,
      usedPct: g.capMicros === null ? null : percentOf(g.usedMicros, g.capMicros),
    }))
    .sort(
      (a, b) =>
        (b.usedPct ?? -1) - (a.usedPct ?? -1) ||
        (b.usedMicros > a.usedMicros ? 1 : b.usedMicros < a.usedMicros ? -1 : 0),
    );
  return {
    budget: limits.budget,
    readOnly: {
      workspace: !can(actor, "limits:write:workspace"),
      groupsAndMembers: !can(actor, "limits:write"),
    },
    canSeeHistory: all,
    scopeLabel: all ? actor.workspaceName : "your groups",
    policies,
    members,
    memberPage,
    groups,
    // a manager sees their groups' spend, never the workspace total
    workspaceUsedMicros: all
      ? limits.workspaceUsedMicros
      : everyone.reduce((sum, m) => sum + m.usedMicros, 0n),
    counts: {
      over: everyone.filter((m) => m.state === "over").length,
      soft: everyone.filter((m) => m.state === "soft").length,
      members: everyone.length,
    },
  };
}

/** One member's limit (all products) as their pages show it: from loadMemberLimit or a loadWorkspaceLimits row. */
export function memberLimitView(
  r: Pick<
    MemberLimit,
    | "budget"
    | "effective"
    | "projectedMicros"
    | "projectedLowMicros"
    | "projectedHighMicros"
    | "exhaustionDay"
    | "exhaustionLatestDay"
  >,
) {
  return {
    unit: r.budget.unit,
    period: r.budget.period,
    today: r.budget.today,
    limitMicros: r.effective.limitMicros,
    usedMicros: r.effective.usedMicros,
    remainingMicros: r.effective.remainingMicros,
    state: r.effective.state,
    reason: r.effective.reason,
    action: r.effective.action,
    softThresholdPct: r.effective.softThresholdPct,
    projectedMicros: r.projectedMicros,
    projectedLowMicros: r.projectedLowMicros,
    projectedHighMicros: r.projectedHighMicros,
    /** the run-out range: earliest on the band's high side, latest on its low side */
    exhaustionDay: r.exhaustionDay,
    exhaustionLatestDay: r.exhaustionLatestDay,
  };
}

/** The signed-in person's own limit (all products), for their pages. */
export async function getMyLimit(db: Db, actor: Actor, now: Date) {
  return memberLimitView(await loadMemberLimit(db, actor.workspaceId, actor.memberId, "", now));
}

/** Another member's limit for their member page (the caller has already checked the viewer may see that member). */
export async function getMemberLimit(db: Db, workspaceId: string, memberId: string, now: Date) {
  return memberLimitView(await loadMemberLimit(db, workspaceId, memberId, "", now));
}

/**
 * The limits of some members (a group page's table): computed for those members only, the same
 * rows as the workspace-wide load; inactive members are absent.
 */
export async function getMemberLimits(
  db: Db,
  workspaceId: string,
  memberIds: readonly string[],
  now: Date,
): Promise<Map<string, MyLimit>> {
  const all = await loadSomeMemberLimits(db, workspaceId, memberIds, now);
  return new Map(
    all.members.map((m) => [m.memberId, memberLimitView({ budget: all.budget, ...m })]),
  );
}
export type MyLimit = ReturnType<typeof memberLimitView>;

/** What "Set limit" acts on from a member, group, usage row, top spender or alert. */
export type LimitTarget = { memberId: string } | { groupId: string };

export interface LimitTargetView {
  scope: "MEMBER" | "GROUP";
  targetId: string;
  targetName: string;
  targetDetail: string | null;
  unit: Unit;
  /** the editors' all-products policy on the target (what the inline editor changes); null = none yet */
  policy: PolicyView | null;
  /** other limits on it that stay as they are (a product's, an approved request's grant) */
  otherPolicies: number;
  /** a member's effective limit now (all products) with its reason; null for a group */
  effective: MyLimit | null;
}

/**
 * One member's or group's limit for the inline editor: the policy the Limits screen's editor
 * would open for it, and — for a member — where they stand now. For people who may change
 * limits; the write itself goes through write-policy.ts like the Limits screen's.
 */
export async function getLimitTarget(
  db: Db,
  actor: Actor,
  target: LimitTarget,
  now: Date,
): Promise<LimitTargetView> {
  if (!can(actor, "limits:write")) throw new ForbiddenError("You cannot change limits");
  const budget = await loadWorkspaceBudget(db, actor.workspaceId, now);
  let scope: "MEMBER" | "GROUP";
  let targetId: string;
  let targetName: string;
  let targetDetail: string | null = null;
  if ("memberId" in target) {
    const m = await db.member.findFirst({
      where: { id: target.memberId, workspaceId: actor.workspaceId },
      select: { id: true, active: true, ...MEMBER_LABEL_SELECT },
    });
    if (!m) throw new NotFoundError("member");
    if (!m.active)
      throw new InvalidInputError(`${m.name} is deactivated: reactivate them first`, "memberId");
    scope = "MEMBER";
    targetId = m.id;
    targetName = m.name;
    targetDetail = memberSublabel(m);
  } else {
    const g = await db.group.findFirst({
      where: { id: target.groupId, workspaceId: actor.workspaceId },
      select: { id: true, name: true },
    });
    if (!g) throw new NotFoundError("group");
    scope = "GROUP";
    targetId = g.id;
    targetName = g.name;
  }
  const rows = await db.limitPolicy.findMany({
    where: { workspaceId: actor.workspaceId, target: `${scope}:${targetId}` },
    include: POLICY_INCLUDE,
  });
  const live = rows.filter((p) => p.expiresAt === null || p.expiresAt.getTime() > now.getTime());
  const own = rows.find((p) => p.slot === "" && p.product === "") ?? null;
  const updater = own?.updatedById
    ? await db.member.findUnique({ where: { id: own.updatedById }, select: { email: true } })
    : null;
  const updaters = new Map(own?.updatedById && updater ? [[own.updatedById, updater.email]] : []);
  return {
    scope,
    targetId,
    targetName,
    targetDetail,
    unit: budget.unit,
    policy: own ? toPolicyView(own, budget.timezone, now, updaters) : null,
    otherPolicies: live.filter((p) => p !== own).length,
    effective:
      scope === "MEMBER" ? await getMemberLimit(db, actor.workspaceId, targetId, now) : null,
  };
}
