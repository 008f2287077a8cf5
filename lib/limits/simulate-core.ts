/**
 * The replay behind the limit simulator: one budget period, day by day, asking THE rule
 * (resolve-effective-limit.ts) what a budget check would have answered at the end of each
 * day, given the usage recorded up to then — for all products, or for one product when the
 * member's policies name it (a product-scoped override, group limit, default or pool): the
 * question is the budget check's (member, product), and the usage handed to the rule is split
 * by the products it may read (each named product, and the rest), so the rule picks and
 * counts exactly as it does for the budget check. Pure: plain values in, so the unit tests
 * compare it with a naive day-by-day scan and the integration test with the budget check
 * itself.
 *
 * Speed: a member's state only worsens within a period while their policies stay active
 * throughout and no recorded day is negative (a refund). Then one question at the period's
 * last day settles most members ("ok" at the end = ok every day), and the first soft, over
 * and blocked days are found by binary search. Otherwise (or when a member's policies mix
 * stopping and alerting actions) every day is asked.
 */
import type { DayKey } from "../core/period";
import {
  resolveEffectiveLimit,
  type EffectiveLimit,
  type PolicyInput,
} from "./resolve-effective-limit";

/** Cumulative usage through each day of one or more products, by product. */
export type ProductSeries = ReadonlyMap<string, readonly bigint[]>;

export interface ReplayMember {
  id: string;
  groups: readonly { id: string; name: string }[];
  /** the workspace's, the member's groups' and the member's own policies (any superset of those for `product`) */
  policies: readonly PolicyInput[];
  /** the product the budget check is asked about; "" or absent = all products */
  product?: string;
  /** cumulative usage through each day of the period, all products (undefined = none recorded) */
  cumulative: readonly bigint[] | undefined;
  /**
   * the part of `cumulative` on each product the member's policies name (absent = none named):
   * what a product-scoped limit counts; the rest is every other product's
   */
  byProduct?: ProductSeries;
}

export interface ReplayPeriod {
  days: readonly DayKey[];
  /** when the budget check is asked on each day: the day's last instant in the workspace timezone */
  instants: readonly Date[];
  /** cumulative usage of each group's current members through each day (groups with a pool) */
  groupCumulative: ReadonlyMap<string, readonly bigint[]>;
  /** of those, the part on each product a pool of the group is scoped to */
  groupByProduct?: ReadonlyMap<string, ProductSeries>;
  /** cumulative usage of the whole workspace through each day */
  workspaceCumulative: readonly bigint[];
  /** of it, the part on each product a workspace cap is scoped to */
  workspaceByProduct?: ProductSeries;
  formatUntil?: (expiresAt: Date) => string;
}

export interface MemberReplay {
  memberId: string;
  /** the product the replayed budget check asked about ("" = all products) */
  product: string;
  /** first day the answer was soft or worse */
  softDay: DayKey | null;
  /** first day the limit (own or a pool) was used up */
  overDay: DayKey | null;
  /** first day a check would have been refused (over, and the action stops calls) */
  blockedDay: DayKey | null;
  /** recorded spend a refusing check would have stopped (see the module comment of simulate.ts) */
  stoppedMicros: bigint;
  /** the answer at the period's last day */
  end: EffectiveLimit;
  /** true when every day was asked (a policy starts or ends within the period, or a day is negative) */
  dayByDay: boolean;
}

/** the usage-map key of every product no policy in the question names (never a product id) */
const REST = "*";

function nonDecreasing(series: readonly bigint[] | undefined): boolean {
  if (!series) return true;
  for (let i = 1; i < series.length; i++) if (series[i]! < series[i - 1]!) return false;
  return series.length === 0 || series[0]! >= 0n;
}

/**
 * Fills a usage map the rule reads with day `i` of a split: each named product's amount, and
 * the rest under REST (so every key sums to the total, as the budget check's maps do).
 */
function fillAt(
  map: Map<string, bigint>,
  total: readonly bigint[],
  parts: ProductSeries | undefined,
  i: number,
): void {
  if (i < 0) {
    for (const k of map.keys()) map.set(k, 0n);
    return;
  }
  let rest = total[i]!;
  if (parts)
    for (const [product, s] of parts) {
      map.set(product, s[i]!);
      rest -= s[i]!;
    }
  map.set(REST, rest);
}

/** A member's usage at one point, as the totals path knows it: all products, and the named products' part. */
export interface UsageAt {
  total: bigint;
  byProduct?: ReadonlyMap<string, bigint>;
}

/** usageFor of resolve-effective-limit.ts on a split: the usage a policy scoped to `product` counts. */
function usageOfScope(u: UsageAt, product: string): bigint {
  return product === "" ? u.total : (u.byProduct?.get(product) ?? 0n);
}

/**
 * The rule's answer on day `day` with the usage recorded through day `through` (−1 = none).
 * The usage maps handed to the rule are made once per member and refilled for each question:
 * the rule reads them and keeps nothing of them (a replay asks tens of thousands of times).
 */
function asker(
  period: ReplayPeriod,
  m: Omit<ReplayMember, "cumulative" | "byProduct">,
  /** fills the member's usage map with their usage through day `through` */
  fillMember: (map: Map<string, bigint>, through: number) => void,
) {
  const member = new Map<string, bigint>();
  const workspace = new Map<string, bigint>();
  const groups = new Map<string, Map<string, bigint>>();
  const pooled: { usage: Map<string, bigint>; series: readonly bigint[]; parts?: ProductSeries }[] =
    [];
  for (const g of m.groups) {
    const series = period.groupCumulative.get(g.id);
    if (!series || groups.has(g.id)) continue;
    const usage = new Map<string, bigint>();
    groups.set(g.id, usage);
    pooled.push({ usage, series, parts: period.groupByProduct?.get(g.id) });
  }
  const input = {
    memberId: m.id,
    product: m.product ?? "",
    groups: m.groups,
    policies: m.policies,
    now: period.instants[0]!,
    usage: { member, groups, workspace },
    formatUntil: period.formatUntil,
  };
  return (day: number, through: number): EffectiveLimit => {
    fillMember(member, through);
    fillAt(workspace, period.workspaceCumulative, period.workspaceByProduct, through);
    for (const p of pooled) fillAt(p.usage, p.series, p.parts, through);
    input.now = period.instants[day]!;
    return resolveEffectiveLimit(input);
  };
}

/** An asker for a member whose usage is known only as a point (the totals path): every `through` reads it. */
function askerAt(
  period: ReplayPeriod,
  m: Omit<ReplayMember, "cumulative" | "byProduct">,
  u: UsageAt,
) {
  return asker(period, m, (map) => {
    let rest = u.total;
    if (u.byProduct)
      for (const [product, v] of u.byProduct) {
        map.set(product, v);
        rest -= v;
      }
    map.set(REST, rest);
  });
}

/**
 * A member settled from their period total alone: no policy of theirs starts or ends within
 * the period and the answer on the last day is ok, so (usage only growing) every day was ok.
 * Returns null when the member needs the day-by-day replay. Refunds (a negative day) inside
 * such a period are not looked for: the total already counts them.
 */
export function settledByTotal(
  period: ReplayPeriod,
  m: Omit<ReplayMember, "cumulative" | "byProduct">,
  usage: UsageAt,
): MemberReplay | null {
  const last = period.days.length - 1;
  if (m.policies.some(changesWithin(period))) return null;
  const end = askerAt(period, m, usage)(last, last);
  if (end.state !== "ok" || !end.allowed) return null;
  return settled(m.id, m.product ?? "", end);
}

function settled(memberId: string, product: string, end: EffectiveLimit): MemberReplay {
  return {
    memberId,
    product,
    softDay: null,
    overDay: null,
    blockedDay: null,
    stoppedMicros: 0n,
    end,
    dayByDay: false,
  };
}

/** Whether a policy starts or ends within the period (then its members are replayed day by day). */
function changesWithin(period: ReplayPeriod) {
  const first = period.instants[0]!.getTime();
  const lastInstant = period.instants[period.instants.length - 1]!.getTime();
  const within = (t: Date | null) =>
    t !== null && t.getTime() > first && t.getTime() <= lastInstant;
  return (p: PolicyInput) => within(p.startsAt) || within(p.expiresAt);
}

/**
 * settledByTotal for many members who answer to the same policies (the same groups, no policy
 * of their own, so the rule reads nothing else of them but their usage): with the pools and
 * policies fixed, the rule picks the same policy for each of them whatever they used, and its
 * state only worsens as the usage that policy counts grows (all products, or its product's:
 * the answer's policyProduct), so the members ok at the period's last day are exactly those
 * below the smallest such usage that is not. That usage is found by binary search over the
 * sorted members, asking the rule ~log₂ n times instead of n; each settled member's
 * end-of-period answer is asked of the rule only when read.
 * Returns the settled replays and the ids left for the day-by-day replay.
 */
export function settledByTotals(
  period: ReplayPeriod,
  shared: Omit<ReplayMember, "cumulative" | "byProduct" | "id">,
  members: readonly ({ id: string } & UsageAt)[],
): { settled: MemberReplay[]; pending: string[] } {
  const last = period.days.length - 1;
  const within = changesWithin(period);
  if (members.length === 0 || shared.policies.some((p) => p.scope === "MEMBER" || within(p)))
    return { settled: [], pending: members.map((m) => m.id) };
  const product = shared.product ?? "";
  const endOf = (m: { id: string } & UsageAt) =>
    askerAt(period, { ...shared, id: m.id }, m)(last, last);
  // the usage the chosen policy counts: the same policy for everyone here
  const scope = endOf(members[0]!).policyProduct;
  const keyed = members.map((m) => ({ m, v: usageOfScope(m, scope) }));
  keyed.sort((a, b) => (a.v < b.v ? -1 : a.v > b.v ? 1 : 0));
  // the first index whose answer is not ok (ok implies allowed)
  let lo = 0;
  let hi = keyed.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (endOf(keyed[mid]!.m).state === "ok") lo = mid + 1;
    else hi = mid;
  }
  const done = keyed.slice(0, lo).map(({ m }): MemberReplay => {
    let end: EffectiveLimit | undefined;
    return {
      memberId: m.id,
      product,
      softDay: null,
      overDay: null,
      blockedDay: null,
      stoppedMicros: 0n,
      get end() {
        return (end ??= endOf(m));
      },
      dayByDay: false,
    };
  });
  return { settled: done, pending: keyed.slice(lo).map(({ m }) => m.id) };
}

/**
 * The spend a member's budget check for `product` governs, cumulative: that product's, or for
 * all products ("") every product none of their policies names (those have their own check).
 */
function governedSeries(m: ReplayMember): readonly bigint[] | undefined {
  const cum = m.cumulative;
  const parts = m.byProduct;
  const product = m.product ?? "";
  if (product !== "") return parts?.get(product);
  if (!cum || !parts || parts.size === 0) return cum;
  return cum.map((v, i) => {
    let rest = v;
    for (const s of parts.values()) rest -= s[i]!;
    return rest;
  });
}

/** The replay of one period for some members, sharing the per-series checks. */
export function replayPeriod(
  period: ReplayPeriod,
  members: readonly ReplayMember[],
): MemberReplay[] {
  const last = period.days.length - 1;
  const monotoneGroup = new Map<string, boolean>();
  for (const [id, s] of period.groupCumulative)
    monotoneGroup.set(
      id,
      nonDecreasing(s) &&
        [...(period.groupByProduct?.get(id)?.values() ?? [])].every(nonDecreasing),
    );
  const workspaceMonotone =
    nonDecreasing(period.workspaceCumulative) &&
    [...(period.workspaceByProduct?.values() ?? [])].every(nonDecreasing);
  const within = changesWithin(period);

  return members.map((m) => {
    const cum = m.cumulative;
    const parts = m.byProduct;
    const product = m.product ?? "";
    const ask = asker(period, m, (map, through) => {
      if (cum) fillAt(map, cum, parts, through);
    });
    const governed = governedSeries(m);
    const spentOn = (i: number) =>
      !governed ? 0n : i === 0 ? governed[0]! : governed[i]! - governed[i - 1]!;
    // each day's end-of-day answer asked of the rule once: the three searches below share days
    const asked = new Map<number, EffectiveLimit>();
    const at = (i: number) => {
      let e = asked.get(i);
      if (!e) asked.set(i, (e = ask(i, i)));
      return e;
    };
    const end = at(last);
    // a refusal comes and goes only with the state, unless stopping and alerting actions mix
    // (the rule keeps the action of whichever limit ran out first)
    const stops = new Set(m.policies.map((p) => p.action === "BLOCK" || p.action === "QUEUE"));
    const monotone =
      stops.size <= 1 &&
      nonDecreasing(cum) &&
      [...(parts?.values() ?? [])].every(nonDecreasing) &&
      !m.policies.some(within) &&
      m.groups.every((g) => monotoneGroup.get(g.id) ?? true) &&
      (workspaceMonotone ||
        !m.policies.some((p) => p.scope === "WORKSPACE" && p.poolCapMicros !== null));

    // recorded spend (of the products this check governs) stopped on day i, when the day ended refused
    const stoppedOn = (i: number, endOfDay: EffectiveLimit): bigint => {
      if (endOfDay.allowed) return 0n;
      const spent = spentOn(i);
      if (spent <= 0n) return 0n;
      const before = ask(i, i - 1);
      if (!before.allowed) return spent;
      const room = before.remainingMicros ?? spent;
      return spent > room ? spent - room : 0n;
    };
    const governedThrough = (i: number) => (!governed || i < 0 ? 0n : governed[i]!);

    if (monotone) {
      if (end.state === "ok" && end.allowed) return settled(m.id, product, end);
      // soft ⊇ over ⊇ refused (refused only when over, over is not ok), so each first day is
      // searched from the one before it
      const firstWhere = (pred: (e: EffectiveLimit) => boolean, from: number): number | null => {
        if (!pred(end)) return null;
        let lo = from;
        let hi = last;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (pred(at(mid))) hi = mid;
          else lo = mid + 1;
        }
        return lo;
      };
      const soft = firstWhere((e) => e.state !== "ok", 0);
      const over = soft === null ? null : firstWhere((e) => e.state === "over", soft);
      const blocked = over === null ? null : firstWhere((e) => !e.allowed, over);
      const stoppedMicros =
        blocked === null
          ? 0n
          : governedThrough(last) - governedThrough(blocked) + stoppedOn(blocked, at(blocked));
      return {
        memberId: m.id,
        product,
        softDay: soft === null ? null : period.days[soft]!,
        overDay: over === null ? null : period.days[over]!,
        blockedDay: blocked === null ? null : period.days[blocked]!,
        stoppedMicros,
        end,
        dayByDay: false,
      };
    }

    let soft: number | null = null;
    let over: number | null = null;
    let blocked: number | null = null;
    let stoppedMicros = 0n;
    for (let i = 0; i <= last; i++) {
      const e = i === last ? end : at(i);
      if (soft === null && e.state !== "ok") soft = i;
      if (over === null && e.state === "over") over = i;
      if (blocked === null && !e.allowed) blocked = i;
      stoppedMicros += stoppedOn(i, e);
    }
    return {
      memberId: m.id,
      product,
      softDay: soft === null ? null : period.days[soft]!,
      overDay: over === null ? null : period.days[over]!,
      blockedDay: blocked === null ? null : period.days[blocked]!,
      stoppedMicros,
      end,
      dayByDay: true,
    };
  });
}

/**
 * What one member's budget checks — for all products, and for each product their policies
 * name — would have done together: the first day any of them alerted, ran out or refused, the
 * spend they stopped between them (each check stops only the spend of the products it
 * governs), and, as `end` and `product`, the check behind the first refusal (else the first
 * alert, else all products'). `all` alone is returned as it is.
 */
export function combineReplays(
  all: MemberReplay,
  scoped: readonly MemberReplay[] | undefined,
): MemberReplay {
  if (!scoped || scoped.length === 0) return all;
  const every = [all, ...scoped];
  const first = (pick: (r: MemberReplay) => DayKey | null): DayKey | null => {
    let best: DayKey | null = null;
    for (const r of every) {
      const d = pick(r);
      if (d !== null && (best === null || d < best)) best = d;
    }
    return best;
  };
  const blockedDay = first((r) => r.blockedDay);
  const softDay = first((r) => r.softDay);
  const primary =
    (blockedDay !== null
      ? every.find((r) => r.blockedDay === blockedDay)
      : softDay !== null
        ? every.find((r) => r.softDay === softDay)
        : undefined) ?? all;
  let stoppedMicros = 0n;
  for (const r of every) stoppedMicros += r.stoppedMicros;
  return {
    memberId: all.memberId,
    product: primary.product,
    softDay,
    overDay: first((r) => r.overDay),
    blockedDay,
    stoppedMicros,
    end: primary.end,
    dayByDay: every.some((r) => r.dayByDay),
  };
}

/** Cumulative sums of daily amounts (a day missing from the map counts 0). */
export function cumulate(days: readonly DayKey[], daily: ReadonlyMap<DayKey, bigint>): bigint[] {
  const out: bigint[] = [];
  let total = 0n;
  for (const d of days) {
    total += daily.get(d) ?? 0n;
    out.push(total);
  }
  return out;
}

/**
 * The current period: recorded days up to today, then today's pace carried to the period
 * end — cumulative through day j = used × (j + 1) / (days elapsed), the straight line of
 * lib/forecast/projection.ts projectPeriodEnd, so the last day equals its projection.
 */
export function extendAtPace(cum: readonly bigint[], todayIndex: number): bigint[] {
  const out = cum.slice(0, todayIndex + 1);
  const used = out[todayIndex] ?? 0n;
  const elapsed = BigInt(todayIndex + 1);
  for (let j = todayIndex + 1; j < cum.length; j++) out.push((used * BigInt(j + 1)) / elapsed);
  return out;
}
