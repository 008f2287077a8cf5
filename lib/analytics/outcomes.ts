/**
 * Cost per outcome (issue 20, docs/outcomes.md): billed cost per commit, per pull request and
 * per 1,000 lines added by person, group and product over a range, from the vendor-reported
 * outcome facts (OutcomeDaily) and the daily usage rollup.
 *
 * Totals rules, as the rest of Usage (docs/billing.md): the cost is **billed** spend only
 * (UsageDailyRollup.costMicros, micro-USD) on the products that report outcomes; Claude Code
 * seat estimates are never inside it — they are carried apart (seatMicros) and shown as their
 * own, estimated figure. A ratio with no commits or no pull requests behind it is null (the UI
 * shows "—"), never infinity and never 0. A person's figures are summed over those products;
 * a group's over its members (a member of two groups counts in both, as group totals do
 * elsewhere); a product's and the total over everyone the scope sees (the workspace scope
 * includes outcomes and cost no member is mapped to, as "Unattributed").
 * The person behind an outcome fact is found through MemberIdentity when read.
 */
import { scopeGroupsWhere, type SpendScope } from "../auth/scope";
import { divRoundHalfEven } from "../core/money";
import { addOutcomeCounts, zeroOutcomeCounts, type OutcomeCounts } from "../core/outcome-counts";
import { todayIn, type BudgetPeriod, type DayKey, type Period } from "../core/period";
import { MEMBER_LABEL_SELECT, memberSublabel } from "../people/member-label";
import type { Db } from "../server/db";
import { resolveRange, type RangeSpec, type ResolvedRange } from "./range";

/** Products whose vendors report outcomes (docs/outcomes.md). */
export const OUTCOME_PRODUCTS = ["claude_code", "codex"] as const;

/**
 * Which outcomes each product's vendor reports: Claude Code's analytics report has sessions,
 * lines, commits and pull requests (VENDOR-APIS.md §1.4); the Codex Analytics API threads and
 * lines only (§4.3). A product's spend is divided only by the outcomes it reports: Codex spend
 * never makes a commit or a pull request dearer.
 */
export const REPORTS_COMMITS: Readonly<Record<string, boolean>> = {
  claude_code: true,
  codex: false,
};

export interface OutcomeFigures extends OutcomeCounts {
  /** billed cost on the outcome products, micro-USD */
  billedMicros: bigint;
  /** of it, the products that report commits and pull requests (the per-commit / per-PR numerator) */
  commitBilledMicros: bigint;
  /** Claude Code seat estimate, micro-USD: not billed, never inside billedMicros */
  seatMicros: bigint;
  /** billed ÷ commits, micro-USD, half-even; null without commits */
  perCommitMicros: bigint | null;
  /** billed ÷ pull requests, micro-USD, half-even; null without pull requests */
  perPrMicros: bigint | null;
  /** billed × 1,000 ÷ lines added, micro-USD, half-even; null without lines */
  perKLinesMicros: bigint | null;
  /** seat estimate ÷ pull requests; null without pull requests or without a seat estimate */
  seatPerPrMicros: bigint | null;
}

export interface OutcomeLine extends OutcomeFigures {
  key: string;
  label: string;
  /** the person's email, a group's member count … */
  detail?: string;
}

export interface OutcomeReport {
  range: ResolvedRange;
  products: string[];
  total: OutcomeFigures;
  byProduct: OutcomeLine[];
  byGroup: OutcomeLine[];
  byPerson: OutcomeLine[];
}

/** Counts and money of one member (or "" = unattributed) on one product. */
export interface MemberProductSums extends OutcomeCounts {
  memberKey: string;
  product: string;
  billedMicros: bigint;
  /** billedMicros when the product reports commits and pull requests, else 0 */
  commitBilledMicros: bigint;
  seatMicros: bigint;
}

/** Summed counts and money, before the ratios. */
export type OutcomeSums = OutcomeCounts & {
  billedMicros: bigint;
  seatMicros: bigint;
  /** absent: all of billedMicros is on products that report commits and pull requests */
  commitBilledMicros?: bigint;
};

/** The ratios of summed counts and money: the one place the division rules live. */
export function figuresOf(sums: OutcomeSums) {
  const per = (micros: bigint, n: number) => (n > 0 ? divRoundHalfEven(micros, BigInt(n)) : null);
  const commitBilled = sums.commitBilledMicros ?? sums.billedMicros;
  return {
    sessions: sums.sessions,
    linesAdded: sums.linesAdded,
    linesRemoved: sums.linesRemoved,
    commits: sums.commits,
    pullRequests: sums.pullRequests,
    billedMicros: sums.billedMicros,
    commitBilledMicros: commitBilled,
    seatMicros: sums.seatMicros,
    perCommitMicros: per(commitBilled, sums.commits),
    perPrMicros: per(commitBilled, sums.pullRequests),
    perKLinesMicros: per(sums.billedMicros * 1000n, sums.linesAdded),
    seatPerPrMicros: sums.seatMicros > 0n ? per(sums.seatMicros, sums.pullRequests) : null,
  } satisfies OutcomeFigures;
}

/** Adds up rows (never ratios: a group's cost per PR is its cost over its PRs). */
export function sumRows(rows: Iterable<OutcomeSums>) {
  const out = { ...zeroOutcomeCounts(), billedMicros: 0n, seatMicros: 0n, commitBilledMicros: 0n };
  for (const r of rows) {
    addOutcomeCounts(out, r);
    out.billedMicros += r.billedMicros;
    out.seatMicros += r.seatMicros;
    out.commitBilledMicros += r.commitBilledMicros ?? r.billedMicros;
  }
  return out;
}

/**
 * Per (member, product) sums over a period: outcome facts mapped to members through their
 * identities, billed cost and seat estimates from the daily rollup of the same products.
 * memberIds null = everyone, unattributed ("") included.
 */
export async function loadMemberProductSums(
  db: Db,
  workspaceId: string,
  period: Period,
  memberIds: string[] | null,
  products: readonly string[] = OUTCOME_PRODUCTS,
): Promise<MemberProductSums[]> {
  const days = { gte: period.start, lte: period.end };
  const [facts, identities, money] = await Promise.all([
    db.outcomeDaily.groupBy({
      by: ["identityProvider", "identityKind", "identityExternalId", "product"],
      where: { workspaceId, day: days, product: { in: [...products] } },
      _sum: {
        sessions: true,
        linesAdded: true,
        linesRemoved: true,
        commits: true,
        pullRequests: true,
      },
    }),
    db.memberIdentity.findMany({
      where: { workspaceId },
      select: { provider: true, kind: true, externalId: true, memberId: true },
    }),
    db.usageDailyRollup.groupBy({
      by: ["memberKey", "product"],
      where: {
        workspaceId,
        day: days,
        product: { in: [...products] },
        ...(memberIds ? { memberKey: { in: memberIds } } : {}),
      },
      _sum: { costMicros: true, seatEstimateMicros: true },
    }),
  ]);
  // identities match case-insensitively, as the sync's resolver maps them
  const idKey = (p: string, k: string, x: string) => `${p}|${k}|${x.toLowerCase()}`;
  const memberOf = new Map(
    identities.map((i) => [idKey(i.provider, i.kind, i.externalId), i.memberId]),
  );
  const allowed = memberIds ? new Set(memberIds) : null;
  const out = new Map<string, MemberProductSums>();
  const at = (memberKey: string, product: string) => {
    const key = `${memberKey}|${product}`;
    let row = out.get(key);
    if (!row) {
      row = {
        memberKey,
        product,
        ...zeroOutcomeCounts(),
        billedMicros: 0n,
        commitBilledMicros: 0n,
        seatMicros: 0n,
      };
      out.set(key, row);
    }
    return row;
  };
  for (const f of facts) {
    const memberKey = f.identityExternalId
      ? (memberOf.get(idKey(f.identityProvider, f.identityKind, f.identityExternalId)) ?? "")
      : "";
    if (allowed && !allowed.has(memberKey)) continue;
    addOutcomeCounts(at(memberKey, f.product), f._sum);
  }
  for (const m of money) {
    const billed = m._sum.costMicros ?? 0n;
    const seat = m._sum.seatEstimateMicros ?? 0n;
    if (billed === 0n && seat === 0n) continue;
    const row = at(m.memberKey, m.product);
    row.billedMicros += billed;
    if (REPORTS_COMMITS[m.product]) row.commitBilledMicros += billed;
    row.seatMicros += seat;
  }
  return [...out.values()];
}

function hasOutcomes(c: OutcomeCounts): boolean {
  return (
    c.sessions > 0 || c.linesAdded > 0 || c.linesRemoved > 0 || c.commits > 0 || c.pullRequests > 0
  );
}

interface WorkspaceSettings {
  budgetPeriod: BudgetPeriod;
  timezone: string;
}

async function settingsOf(db: Db, workspaceId: string): Promise<WorkspaceSettings> {
  const ws = await db.workspace.findUniqueOrThrow({
    where: { id: workspaceId },
    select: { budgetPeriod: true, timezone: true },
  });
  return { budgetPeriod: ws.budgetPeriod, timezone: ws.timezone };
}

/** The groups a scope may read: all (workspace), the managed ones (manager), none (self). */
async function groupsInScope(db: Db, scope: SpendScope) {
  if (scope.kind === "self") return [];
  return db.group.findMany({
    where: scopeGroupsWhere(scope),
    select: { id: true, name: true, members: { select: { memberId: true } } },
    orderBy: { name: "asc" },
  });
}

const byPerPrThenName = (a: OutcomeLine, b: OutcomeLine) =>
  // people with a cost per PR first, dearest first; then the rest by name
  a.perPrMicros !== null && b.perPrMicros !== null
    ? a.perPrMicros === b.perPrMicros
      ? a.label.localeCompare(b.label)
      : a.perPrMicros > b.perPrMicros
        ? -1
        : 1
    : a.perPrMicros !== null
      ? -1
      : b.perPrMicros !== null
        ? 1
        : a.label.localeCompare(b.label);

export async function getOutcomeReport(
  ctx: { db: Db; scope: SpendScope; now: Date },
  spec: RangeSpec,
  opts: { product?: string } = {},
): Promise<OutcomeReport> {
  const { db, scope } = ctx;
  const ws = await settingsOf(db, scope.workspaceId);
  const range = resolveRange(spec, ws.budgetPeriod, todayIn(ws.timezone, ctx.now));
  const asked = opts.product ? [opts.product] : [...OUTCOME_PRODUCTS];
  const [read, groups] = await Promise.all([
    loadMemberProductSums(db, scope.workspaceId, range, scope.memberIds, asked),
    groupsInScope(db, scope),
  ]);
  // a product counts when its outcomes are reported in the range (its analytics are read): a
  // product's spend with no outcome read would only make every ratio dearer
  const products = asked.filter((p) => read.some((r) => r.product === p && hasOutcomes(r)));
  const rows = read.filter((r) => products.includes(r.product));

  const memberKeys = [...new Set(rows.map((r) => r.memberKey).filter(Boolean))];
  const people = await db.member.findMany({
    where: { workspaceId: scope.workspaceId, id: { in: memberKeys } },
    select: { id: true, ...MEMBER_LABEL_SELECT },
  });
  const personOf = new Map(people.map((p) => [p.id, p]));
  const rowsOf = (pred: (r: MemberProductSums) => boolean) => rows.filter(pred);

  const perMember = new Map<string, MemberProductSums[]>();
  for (const r of rows) perMember.set(r.memberKey, [...(perMember.get(r.memberKey) ?? []), r]);
  const byPerson: OutcomeLine[] = [...perMember].map(([key, own]) => {
    const p = personOf.get(key);
    return {
      key: key || "unattributed",
      label: p?.name ?? "Unattributed",
      detail: p ? memberSublabel(p) : "outcomes or cost no member is mapped to",
      ...figuresOf(sumRows(own)),
    };
  });
  byPerson.sort(byPerPrThenName);

  const byGroup: OutcomeLine[] = groups.map((g) => {
    const ids = new Set(g.members.map((m) => m.memberId));
    return {
      key: g.id,
      label: g.name,
      detail: `${ids.size} member${ids.size === 1 ? "" : "s"}`,
      ...figuresOf(sumRows(rowsOf((r) => ids.has(r.memberKey)))),
    };
  });
  byGroup.sort(byPerPrThenName);

  const byProduct: OutcomeLine[] = products.map((product) => ({
    key: product,
    label: product,
    ...figuresOf(sumRows(rowsOf((r) => r.product === product))),
  }));

  return {
    range,
    products,
    total: figuresOf(sumRows(rows)),
    byProduct,
    byGroup,
    byPerson,
  };
}

export interface CostPerPrContext {
  period: Period;
  label: string;
  person: { id: string; name: string } & OutcomeFigures;
  /** the person's groups the scope may read, each with its own figures */
  groups: ({ id: string; name: string } & OutcomeFigures)[];
}

/** The days the request context compares over: long enough for a few PRs a person. */
export const CONTEXT_RANGE: RangeSpec = { range: "90d" };

/**
 * "cost per PR: this person $X vs their group $Y" for the request queue. Null when the scope
 * may not read the person (the caller answers 404).
 */
export async function getCostPerPrContext(
  ctx: { db: Db; scope: SpendScope; now: Date },
  memberId: string,
): Promise<CostPerPrContext | null> {
  const { db, scope } = ctx;
  if (scope.memberIds !== null && !scope.memberIds.includes(memberId)) return null;
  const person = await db.member.findFirst({
    where: { id: memberId, workspaceId: scope.workspaceId },
    select: { id: true, name: true, groups: { select: { groupId: true } } },
  });
  if (!person) return null;
  const ws = await settingsOf(db, scope.workspaceId);
  const range = resolveRange(CONTEXT_RANGE, ws.budgetPeriod, todayIn(ws.timezone, ctx.now));
  const theirs = new Set(person.groups.map((g) => g.groupId));
  const groups = (await groupsInScope(db, scope)).filter((g) => theirs.has(g.id));
  const ids = new Set<string>([
    memberId,
    ...groups.flatMap((g) => g.members.map((m) => m.memberId)),
  ]);
  const rows = await loadMemberProductSums(db, scope.workspaceId, range, [...ids]);
  const sumOf = (members: Set<string>) =>
    figuresOf(sumRows(rows.filter((r) => members.has(r.memberKey))));
  return {
    period: { start: range.start, end: range.end },
    label: range.label,
    person: { id: person.id, name: person.name, ...sumOf(new Set([memberId])) },
    groups: groups.map((g) => ({
      id: g.id,
      name: g.name,
      ...sumOf(new Set(g.members.map((m) => m.memberId))),
    })),
  };
}

/** Days covered, for a caption. */
export function rangeCaption(r: { start: DayKey; end: DayKey; label: string }): string {
  return `${r.label} (${r.start} – ${r.end})`;
}
