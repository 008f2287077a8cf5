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

/**
 * Cumulative usage through each day of a period: an array, or a view of one packed
 * BigInt64Array (the simulator keeps 20,000 people's days in one buffer per period).
 */
export type Series = ArrayLike<bigint>;

/** Cumulative usage through each day of one or more products, by product. */
export type ProductSeries = ReadonlyMap<string, Series>;

export interface ReplayMember {
  id: string;
  groups: readonly { id: string; name: string }[];
  /** the workspace's, the member's groups' and the member's own policies (any superset of those for `product`) */
  policies: readonly PolicyInput[];
  /** the product the budget check is asked about; "" or absent = all products */
  product?: string;
  /** cumulative usage through each day of the period, all products (undefined = none recorded) */
  cumulative: Series | undefined;
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
  groupCumulative: ReadonlyMap<string, Series>;
  /** of those, the part on each product a pool of the group is scoped to */
  groupByProduct?: ReadonlyMap<string, ProductSeries>;
  /** cumulative usage of the whole workspace through each day */
  workspaceCumulative: Series;
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

function nonDecreasing(series: Series | undefined): boolean {
  if (!series) return true;
  const n = numericSeries(series);
  if (n) {
    for (let i = 1; i < n.length; i++) if (n[i]! < n[i - 1]!) return false;
    return n.length === 0 || n[0]! >= 0;
  }
  for (let i = 1; i < series.length; i++) if (series[i]! < series[i - 1]!) return false;
  return series.length === 0 || series[0]! >= 0n;
}

/**
 * The bound under which a series is replayed in doubles (the by-thresholds replay of a class,
 * the monotone checks): every value v with |v| ≤ 2^52 micro-units, 4.5 × 10^9 units (dollars
 * or credits) in one period for one person or pool — far beyond any budget. Every integer of
 * magnitude ≤ 2^53 is a double exactly, so such values, their comparisons and the sum or
 * difference of any two (|a ± b| ≤ 2^53) are exact, and those are the only arithmetic the
 * replay does on them (sums of more go back to bigint). A series with a value beyond the bound
 * has no numbers (numericSeries gives null) and is replayed with its bigints, as before.
 */
export const NUMERIC_MAX = 2 ** 52;
const NUMERIC_MAX_BIG = BigInt(NUMERIC_MAX);

/** A series the loader handed its numbers with (withNumbers): on the series, no lookup. */
interface Numbered {
  numbers?: Float64Array;
}

/** the numbers of other series (pools, tests' arrays), made once (null: a value beyond NUMERIC_MAX) */
const numbersOf = new WeakMap<object, Float64Array | null>();

/**
 * Hands a series' numbers over with it (the simulator's loader sums the day rows as doubles
 * already): `numbers` must hold the same values, each an integer within NUMERIC_MAX (checked,
 * as the replay's exactness rests on it; else the series is read from its bigints).
 */
export function withNumbers<S extends Series>(series: S, numbers: Float64Array): S {
  if (numbers.length !== series.length) return series;
  for (let i = 0; i < numbers.length; i++) {
    const v = numbers[i]!;
    if (!(v >= -NUMERIC_MAX && v <= NUMERIC_MAX) || Math.trunc(v) !== v) return series;
  }
  (series as Numbered).numbers = numbers;
  return series;
}

/** A series as doubles, exact (see NUMERIC_MAX); null when a value is beyond the bound. */
export function numericSeries(series: Series): Float64Array | null {
  const handed = (series as Numbered).numbers;
  if (handed) return handed;
  let n = numbersOf.get(series);
  if (n !== undefined) return n;
  n = new Float64Array(series.length);
  for (let i = 0; i < series.length; i++) {
    const v = series[i]!;
    if (v > NUMERIC_MAX_BIG || v < -NUMERIC_MAX_BIG) {
      n = null;
      break;
    }
    n[i] = Number(v);
  }
  numbersOf.set(series, n);
  return n;
}

/**
 * Fills a usage map the rule reads with day `i` of a split: each named product's amount, and
 * the rest under REST (so every key sums to the total, as the budget check's maps do).
 */
function fillAt(
  map: Map<string, bigint>,
  total: Series,
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
  const pooled: { usage: Map<string, bigint>; series: Series; parts?: ProductSeries }[] = [];
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
  return new Replay(memberId, product, null, null, null, 0n, false, end, null, null);
}

/**
 * Every member's replay, of one shape (the simulator reads 20,000 of them per period and
 * question: one class keeps those reads monomorphic), with the last day's answer given or
 * asked when read — `endOf(arg)`, of a function shared by many replays (no closure per person).
 */
class Replay<A = unknown> implements MemberReplay {
  #end: EffectiveLimit | undefined;
  constructor(
    readonly memberId: string,
    readonly product: string,
    readonly softDay: DayKey | null,
    readonly overDay: DayKey | null,
    readonly blockedDay: DayKey | null,
    readonly stoppedMicros: bigint,
    readonly dayByDay: boolean,
    end: EffectiveLimit | undefined,
    private readonly endOf: ((arg: A) => EffectiveLimit) | null,
    private readonly arg: A,
  ) {
    this.#end = end;
  }
  get end(): EffectiveLimit {
    return (this.#end ??= this.endOf!(this.arg));
  }
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
 * below the least such usage that is not ok. That usage is found by binary search (the rule
 * asked ~40 times, whatever the number of members); each settled member's end-of-period
 * answer is asked of the rule only when read.
 * Returns the settled replays and the ids left for the day-by-day replay (in the given order).
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
  let scope = "";
  let u = 0n;
  // the answer on the last day for a member whose counted usage is u
  const ask = asker(period, { ...shared, id: members[0]!.id }, (map) => {
    map.set(REST, scope === "" ? u : 0n);
    if (scope !== "") map.set(scope, u);
  });
  const stateAt = (usage: bigint) => {
    u = usage;
    return ask(last, last).state;
  };
  // the usage the chosen policy counts: the same policy for everyone here
  u = 0n;
  scope = ask(last, last).policyProduct;
  let low = 0n;
  let hi = 0n;
  for (const m of members) {
    const v = usageOfScope(m, scope);
    if (v > hi) hi = v;
    if (v < low) low = v; // a refund can leave a period's total below zero
  }
  // the least counted usage (between the members' least and largest) whose answer is not ok (ok implies allowed)
  let least: bigint | null = null;
  if (stateAt(hi) !== "ok") {
    let lo = low;
    let h = hi;
    while (lo < h) {
      const mid = (lo + h) >> 1n;
      if (stateAt(mid) !== "ok") h = mid;
      else lo = mid + 1n;
    }
    least = lo;
  }
  const endOf = (m: { id: string } & UsageAt) =>
    askerAt(period, { ...shared, id: m.id }, m)(last, last);
  const settled: MemberReplay[] = [];
  const pending: string[] = [];
  for (const m of members)
    if (least !== null && usageOfScope(m, scope) >= least) pending.push(m.id);
    // settled by the total: nothing happened; the last-day answer is asked when read
    else settled.push(new Replay(m.id, product, null, null, null, 0n, false, undefined, endOf, m));
  return { settled, pending };
}

/**
 * The spend a member's budget check for `product` governs, cumulative: that product's, or for
 * all products ("") every product none of their policies names (those have their own check).
 */
function governedSeries(m: ReplayMember): Series | undefined {
  const cum = m.cumulative;
  const parts = m.byProduct;
  const product = m.product ?? "";
  if (product !== "") return parts?.get(product);
  if (!cum || !parts || parts.size === 0) return cum;
  return Array.from(cum, (v, i) => {
    let rest = v;
    for (const s of parts.values()) rest -= s[i]!;
    return rest;
  });
}

/** Below this many people asked the same question, each is replayed on their own. */
export const CLASS_MIN = 32;

/**
 * The replay of one period for some members, sharing the per-series checks. Members asked
 * with the same policies and groups (the same arrays: people settled together by replayUnder
 * share them) form a class; a class of at least `classMin` people whose state can only worsen
 * over the period is replayed by thresholds (see replayByThresholds), everyone else on their own.
 */
export function replayPeriod(
  period: ReplayPeriod,
  members: readonly ReplayMember[],
  opts: { classMin?: number } = {},
): MemberReplay[] {
  const classMin = opts.classMin ?? CLASS_MIN;
  const checks = periodChecks(period);
  const out = new Array<MemberReplay>(members.length);
  const classes = new Map<object, Map<object, number[]>>();
  members.forEach((m, i) => {
    let byGroups = classes.get(m.policies);
    if (!byGroups) classes.set(m.policies, (byGroups = new Map()));
    const list = byGroups.get(m.groups);
    if (list) list.push(i);
    else byGroups.set(m.groups, [i]);
  });
  for (const byGroups of classes.values())
    for (const idx of byGroups.values()) {
      const first = members[idx[0]!]!;
      const product = first.product ?? "";
      if (
        idx.length >= classMin &&
        classMonotone(checks, first) &&
        !first.policies.some((p) => p.scope === "MEMBER") &&
        idx.every((i) => (members[i]!.product ?? "") === product)
      ) {
        const even: number[] = [];
        const governed: Float64Array[] = [];
        for (const i of idx) {
          const m = members[i]!;
          const g = memberMonotone(m) ? classNumbers(m, period.days.length) : null;
          if (g) {
            even.push(i);
            governed.push(g);
          } else out[i] = replayOne(period, checks, m);
        }
        const replayed = replayByThresholds(
          period,
          first,
          even.map((i) => members[i]!),
          governed,
        );
        even.forEach((i, j) => (out[i] = replayed[j]!));
      } else for (const i of idx) out[i] = replayOne(period, checks, members[i]!);
    }
  return out;
}

interface PeriodChecks {
  monotoneGroup: Map<string, boolean>;
  workspaceMonotone: boolean;
  within: (p: PolicyInput) => boolean;
}

function periodChecks(period: ReplayPeriod): PeriodChecks {
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
  return { monotoneGroup, workspaceMonotone, within: changesWithin(period) };
}

/**
 * The member's state can only worsen within the period as far as their policies and pools go:
 * a refusal comes and goes only with the state, unless stopping and alerting actions mix (the
 * rule keeps the action of whichever limit ran out first); no policy starts or ends within the
 * period; every pool they draw from only grows.
 */
function classMonotone(checks: PeriodChecks, m: Omit<ReplayMember, "cumulative">): boolean {
  const stops = new Set(m.policies.map((p) => p.action === "BLOCK" || p.action === "QUEUE"));
  return (
    stops.size <= 1 &&
    !m.policies.some(checks.within) &&
    m.groups.every((g) => checks.monotoneGroup.get(g.id) ?? true) &&
    (checks.workspaceMonotone ||
      !m.policies.some((p) => p.scope === "WORKSPACE" && p.poolCapMicros !== null))
  );
}

/** ...and their own usage only grows (no refund day). */
function memberMonotone(m: ReplayMember): boolean {
  if (!nonDecreasing(m.cumulative)) return false;
  if (m.byProduct) for (const s of m.byProduct.values()) if (!nonDecreasing(s)) return false;
  return true;
}

/**
 * The numbers of the spend a member's check governs (zeros when none), when every series of
 * theirs is within NUMERIC_MAX (the by-thresholds replay reads them as doubles); else null, and
 * the member is replayed on their own with bigints.
 */
function classNumbers(m: ReplayMember, length: number): Float64Array | null {
  if (m.cumulative && !numericSeries(m.cumulative)) return null;
  if (m.byProduct) for (const s of m.byProduct.values()) if (!numericSeries(s)) return null;
  const g = governedSeries(m);
  return g ? numericSeries(g) : new Float64Array(length);
}

/** The replay of one member: binary search over the days when their state can only worsen, else every day asked. */
function replayOne(period: ReplayPeriod, checks: PeriodChecks, m: ReplayMember): MemberReplay {
  const last = period.days.length - 1;
  const cum = m.cumulative;
  const parts = m.byProduct;
  const product = m.product ?? "";
  const ask = asker(period, m, (map, through) => {
    if (cum) fillAt(map, cum, parts, through);
  });
  const governed = governedSeries(m);
  // each day's end-of-day answer asked of the rule once: the three searches below share days
  const asked = new Map<number, EffectiveLimit>();
  const at = (i: number) => {
    let e = asked.get(i);
    if (!e) asked.set(i, (e = ask(i, i)));
    return e;
  };
  const end = at(last);
  const monotone = classMonotone(checks, m) && memberMonotone(m);
  // recorded spend (of the products this check governs) stopped on day i, when the day ended refused
  const stoppedOn = (i: number, endOfDay: EffectiveLimit): bigint =>
    endOfDay.allowed ? 0n : stoppedBy(spentOn(governed, i), ask(i, i - 1));

  if (monotone) {
    if (end.state === "ok" && end.allowed) return settled(m.id, product, end);
    const days = firstDays(last, (k, i) => PREDICATES[k](i === last ? end : at(i)));
    const stopped = stoppedFrom(governed, last, days[2], (b) => stoppedOn(b, at(b)));
    return replayOf(period, m.id, product, days, stopped, end, false);
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
  return replayOf(period, m.id, product, [soft, over, blocked], stoppedMicros, end, true);
}

/**
 * A member's replay from the first days found (soft, over, refused) and the spend stopped;
 * `end`, the last day's answer, may be asked of the rule only when read.
 */
function replayOf(
  period: ReplayPeriod,
  memberId: string,
  product: string,
  [soft, over, blocked]: readonly [number | null, number | null, number | null],
  stoppedMicros: bigint,
  end: EffectiveLimit | (() => EffectiveLimit),
  dayByDay: boolean,
): MemberReplay {
  const lazy = typeof end === "function";
  return new Replay<null>(
    memberId,
    product,
    dayAt(period, soft),
    dayAt(period, over),
    dayAt(period, blocked),
    stoppedMicros,
    dayByDay,
    lazy ? undefined : end,
    lazy ? end : null,
    null,
  );
}

/**
 * The governed spend stopped when the first refused day is `blocked` (its state only worsens
 * from then on): that day's as its own refusal stopped it (`onBlockedDay`), every later day's whole.
 */
function stoppedFrom(
  governed: Series | undefined,
  last: number,
  blocked: number | null,
  onBlockedDay: (blocked: number) => bigint,
): bigint {
  return blocked === null
    ? 0n
    : governedThrough(governed, last) - governedThrough(governed, blocked) + onBlockedDay(blocked);
}

/** soft ⊇ over ⊇ refused: refused only when over, over is not ok */
const PREDICATES = [
  (e: EffectiveLimit) => e.state !== "ok",
  (e: EffectiveLimit) => e.state === "over",
  (e: EffectiveLimit) => !e.allowed,
] as const;

/**
 * The first day each predicate (soft, over, refused) holds, when each can only start holding
 * and then keep holding: a binary search each, the next one from the day the previous was
 * found (nested predicates), and none when it does not hold on the last day.
 */
function firstDays(
  last: number,
  holds: (k: 0 | 1 | 2, day: number) => boolean,
): [number | null, number | null, number | null] {
  const out: [number | null, number | null, number | null] = [null, null, null];
  let from = 0;
  for (const k of [0, 1, 2] as const) {
    if (!holds(k, last)) break;
    let lo = from;
    let hi = last;
    // the day the previous predicate starts holding often starts this one too
    if (k > 0 && holds(k, lo)) hi = lo;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (holds(k, mid)) hi = mid;
      else lo = mid + 1;
    }
    out[k] = from = lo;
  }
  return out;
}

function dayAt(period: ReplayPeriod, i: number | null): DayKey | null {
  return i === null ? null : period.days[i]!;
}

/** The governed spend of day i (see governedSeries). */
function spentOn(governed: Series | undefined, i: number): bigint {
  return !governed ? 0n : i === 0 ? governed[0]! : governed[i]! - governed[i - 1]!;
}

function governedThrough(governed: Series | undefined, i: number): bigint {
  return !governed || i < 0 ? 0n : governed[i]!;
}

/**
 * Spend stopped on a day that ended refused: all of it when the check was already refusing at
 * the day's start (`before`: the answer with the usage through the day before), else what went
 * beyond what was left then.
 */
function stoppedBy(
  spent: bigint,
  before: Pick<EffectiveLimit, "allowed" | "remainingMicros">,
): bigint {
  if (spent <= 0n) return 0n;
  if (!before.allowed) return spent;
  const room = before.remainingMicros ?? spent;
  return spent > room ? spent - room : 0n;
}

/**
 * Many people asked the same question with the same policies and groups and no policy of their
 * own, in a period where their state can only worsen: on a given day (policies and pools fixed)
 * the rule picks the same policy whoever asks, and its answer then depends on them only through
 * the usage that policy counts (all products, or its product's: the answer's policyProduct),
 * worsening as it grows. So on each day there is a least usage at which the answer is soft (and
 * one for over, one for refused), found by asking the rule ~40 times (binary search over the
 * usage, only for the days some member's search needs); a member's day searches then compare
 * their usage with those, instead of asking the rule ~10 times each.
 *
 * Their spend stopped needs the answer at the refusing day b's start (pools through b − 1, their
 * usage through b − 1): no policy starts or ends within the period, so that is the answer at
 * day b − 1's end, which was not refusing (b is the first refused day), and its remaining
 * amount is, as the rule computes it, min(own limit − usage, each pool's remaining), never below
 * 0 — the limit and the pools' remaining read once per day from the answer with no usage of
 * the member's own. Day 0's start (nothing used) is one answer for everyone.
 *
 * In doubles (see NUMERIC_MAX: replayPeriod hands over only members whose series are within
 * it, with their governed spend's numbers), no closure or bigint per member and day; their
 * last-day answer is asked when read. The answers are the rule's, the same as replayOne's
 * (property-tested).
 */
function replayByThresholds(
  period: ReplayPeriod,
  shared: Omit<ReplayMember, "cumulative" | "byProduct">,
  members: readonly ReplayMember[],
  governed: readonly Float64Array[],
): MemberReplay[] {
  const length = period.days.length;
  const last = length - 1;
  const product = shared.product ?? "";
  let scope = "";
  let u = 0n;
  // the answer on `day` with the pools through `through` and a member's counted usage u
  const ask = asker(period, shared, (map) => {
    map.set(REST, scope === "" ? u : 0n);
    if (scope !== "") map.set(scope, u);
  });
  const askAt = (day: number, through: number, usage: bigint) => {
    u = usage;
    return ask(day, through);
  };
  scope = askAt(last, last, 0n).policyProduct;
  const zeros = new Float64Array(length);
  const counted = members.map((m) => {
    const s = scope === "" ? m.cumulative : m.byProduct?.get(scope);
    return s ? numericSeries(s)! : zeros; // replayPeriod checked every series of theirs
  });
  // usage only grows: no member's counted usage is above the largest on the last day
  let hiN = 0;
  for (const c of counted) if (c[last]! > hiN) hiN = c[last]!;
  const hi = BigInt(hiN);
  // the least counted usage (up to hi) at which predicate k holds on a day: NaN = not searched
  // yet, Infinity = none (a threshold is at most hi, within NUMERIC_MAX: exact as a double).
  // The pools only grow over the period and the state only worsens with them, so a threshold
  // only falls from one day to the next: it lies between the nearest days searched before and
  // after it (the last day's is searched first, then the first day's), and a day between two
  // with the same threshold has it too — most days are then found without asking the rule.
  const least = [0, 1, 2].map(() => new Float64Array(length).fill(NaN));
  const search = (k: 0 | 1 | 2, day: number, from: number, to: number): number => {
    const pred = PREDICATES[k];
    let lo = BigInt(from);
    let h = hi;
    if (to !== Infinity)
      h = BigInt(to); // it holds there: the threshold of an earlier day
    else if (!pred(askAt(day, day, hi))) return Infinity;
    // the threshold is most often a bound itself (a pool running out moves it to 0 at once,
    // else it is the own limit's every day): each asked once before the search between them
    if (lo < h) {
      if (pred(askAt(day, day, lo))) return from;
      lo += 1n;
    }
    if (lo < h) {
      if (!pred(askAt(day, day, h - 1n))) return Number(h);
      h -= 1n;
    }
    while (lo < h) {
      const mid = (lo + h) >> 1n;
      if (pred(askAt(day, day, mid))) h = mid;
      else lo = mid + 1n;
    }
    return Number(lo);
  };
  const threshold = (k: 0 | 1 | 2, day: number): number => {
    const row = least[k]!;
    const known = row[day]!;
    if (!Number.isNaN(known)) return known;
    if (day !== last) threshold(k, last);
    if (day !== 0 && day !== last) threshold(k, 0);
    let before = day - 1;
    while (before >= 0 && Number.isNaN(row[before]!)) before--;
    let after = day + 1;
    while (after <= last && Number.isNaN(row[after]!)) after++;
    const upper = before >= 0 ? row[before]! : Infinity; // this day's is at most that
    const lower = after <= last ? row[after]! : 0; // and at least that
    const found = upper === lower ? upper : search(k, day, lower, upper);
    row[day] = found;
    return found;
  };
  // each day's own limit and least pool remaining with no usage of the member's own (see above)
  const room = new Array<{ limit: bigint | null; pools: bigint | null } | undefined>(length);
  const roomAt = (day: number) => {
    let r = room[day];
    if (!r) {
      const e = askAt(day, day, 0n);
      let pools: bigint | null = null;
      for (const p of e.pools)
        if (pools === null || p.remainingMicros < pools) pools = p.remainingMicros;
      room[day] = r = { limit: e.limitMicros, pools };
    }
    return r;
  };
  let dayZeroStart: EffectiveLimit | undefined;
  // the full answer (the member's own usage split, as replayOne asks it), asked when read
  const endOf = (m: ReplayMember) =>
    asker(period, m, (map, through) => {
      if (m.cumulative) fillAt(map, m.cumulative, m.byProduct, through);
    })(last, last);
  let c: Float64Array = zeros; // the member whose days are searched
  const holds = (k: 0 | 1 | 2, i: number) => c[i]! >= threshold(k, i);
  const out = new Array<MemberReplay>(members.length);
  for (let j = 0; j < members.length; j++) {
    c = counted[j]!;
    const days = firstDays(last, holds);
    const b = days[2];
    let stopped = 0n;
    if (b !== null) {
      const g = governed[j]!;
      // |values| ≤ NUMERIC_MAX: each difference of two is exact
      const spent = b === 0 ? g[0]! : g[b]! - g[b - 1]!;
      stopped = BigInt(g[last]! - g[b]!);
      if (spent > 0) {
        if (b === 0) stopped += stoppedBy(BigInt(spent), (dayZeroStart ??= askAt(0, -1, 0n)));
        else {
          const { limit, pools } = roomAt(b - 1);
          let left = limit === null ? null : limit - BigInt(c[b - 1]!);
          if (pools !== null && (left === null || pools < left)) left = pools;
          if (left !== null && left < 0n) left = 0n;
          stopped += stoppedBy(BigInt(spent), { allowed: true, remainingMicros: left });
        }
      }
    }
    const [soft, over, blocked] = days;
    out[j] = new Replay(
      members[j]!.id,
      product,
      dayAt(period, soft),
      dayAt(period, over),
      dayAt(period, blocked),
      stopped,
      false,
      undefined,
      endOf,
      members[j]!,
    );
  }
  return out;
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
export function extendAtPace(cum: Series, todayIndex: number): bigint[] {
  const out = Array.from({ length: Math.min(cum.length, todayIndex + 1) }, (_, i) => cum[i]!);
  const used = out[todayIndex] ?? 0n;
  const elapsed = BigInt(todayIndex + 1);
  for (let j = todayIndex + 1; j < cum.length; j++) out.push((used * BigInt(j + 1)) / elapsed);
  return out;
}
