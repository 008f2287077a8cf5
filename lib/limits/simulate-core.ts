/**
 * The replay behind the limit simulator: one budget period, day by day, asking THE rule
 * (resolve-effective-limit.ts) what a budget check for all products would have answered at
 * the end of each day, given the usage recorded up to then. Pure: plain values in, so the
 * unit tests compare it with a naive day-by-day scan and the integration test with the
 * budget check itself.
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

export interface ReplayMember {
  id: string;
  groups: readonly { id: string; name: string }[];
  /** the workspace's, the member's groups' and the member's own all-products policies */
  policies: readonly PolicyInput[];
  /** cumulative usage through each day of the period (undefined = none recorded) */
  cumulative: readonly bigint[] | undefined;
}

export interface ReplayPeriod {
  days: readonly DayKey[];
  /** when the budget check is asked on each day: the day's last instant in the workspace timezone */
  instants: readonly Date[];
  /** cumulative usage of each group's current members through each day (groups with a pool) */
  groupCumulative: ReadonlyMap<string, readonly bigint[]>;
  /** cumulative usage of the whole workspace through each day */
  workspaceCumulative: readonly bigint[];
  formatUntil?: (expiresAt: Date) => string;
}

export interface MemberReplay {
  memberId: string;
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

const ALL = "*"; // the one key of the all-products usage maps handed to the rule

function nonDecreasing(series: readonly bigint[] | undefined): boolean {
  if (!series) return true;
  for (let i = 1; i < series.length; i++) if (series[i]! < series[i - 1]!) return false;
  return series.length === 0 || series[0]! >= 0n;
}

/**
 * The rule's answer on day `day` with the usage recorded through day `through` (−1 = none).
 * The usage maps handed to the rule are made once per member and refilled for each question:
 * the rule reads them and keeps nothing of them (a replay asks tens of thousands of times).
 */
function asker(
  period: ReplayPeriod,
  m: Omit<ReplayMember, "cumulative">,
  used: (i: number) => bigint,
) {
  const member = new Map<string, bigint>();
  const workspace = new Map<string, bigint>();
  const groups = new Map<string, Map<string, bigint>>();
  const pooled: { usage: Map<string, bigint>; series: readonly bigint[] }[] = [];
  for (const g of m.groups) {
    const series = period.groupCumulative.get(g.id);
    if (!series || groups.has(g.id)) continue;
    const usage = new Map<string, bigint>();
    groups.set(g.id, usage);
    pooled.push({ usage, series });
  }
  const input = {
    memberId: m.id,
    product: "",
    groups: m.groups,
    policies: m.policies,
    now: period.instants[0]!,
    usage: { member, groups, workspace },
    formatUntil: period.formatUntil,
  };
  return (day: number, through: number): EffectiveLimit => {
    member.set(ALL, used(through));
    workspace.set(ALL, through < 0 ? 0n : period.workspaceCumulative[through]!);
    for (const p of pooled) p.usage.set(ALL, through < 0 ? 0n : p.series[through]!);
    input.now = period.instants[day]!;
    return resolveEffectiveLimit(input);
  };
}

/**
 * A member settled from their period total alone: no policy of theirs starts or ends within
 * the period and the answer on the last day is ok, so (usage only growing) every day was ok.
 * Returns null when the member needs the day-by-day replay. Refunds (a negative day) inside
 * such a period are not looked for: the total already counts them.
 */
export function settledByTotal(
  period: ReplayPeriod,
  m: Omit<ReplayMember, "cumulative">,
  total: bigint,
): MemberReplay | null {
  const last = period.days.length - 1;
  const first = period.instants[0]!.getTime();
  const lastInstant = period.instants[last]!.getTime();
  const changesWithin = (t: Date | null) =>
    t !== null && t.getTime() > first && t.getTime() <= lastInstant;
  if (m.policies.some((p) => changesWithin(p.startsAt) || changesWithin(p.expiresAt))) return null;
  const end = asker(period, m, () => total)(last, last);
  if (end.state !== "ok" || !end.allowed) return null;
  return {
    memberId: m.id,
    softDay: null,
    overDay: null,
    blockedDay: null,
    stoppedMicros: 0n,
    end,
    dayByDay: false,
  };
}

/**
 * settledByTotal for many members who answer to the same policies (the same groups, no policy
 * of their own, so the rule reads nothing else of them but their usage): with the pools and
 * policies fixed, the rule's state only worsens as the member's usage grows, so the members
 * ok at the period's last day are exactly those below the smallest total that is not. That
 * total is found by binary search over the sorted totals, asking the rule ~log₂ n times
 * instead of n; each settled member's end-of-period answer is asked of the rule only when read.
 * Returns the settled replays and the ids left for the day-by-day replay.
 */
export function settledByTotals(
  period: ReplayPeriod,
  shared: Omit<ReplayMember, "cumulative" | "id">,
  members: readonly { id: string; total: bigint }[],
): { settled: MemberReplay[]; pending: string[] } {
  const last = period.days.length - 1;
  const first = period.instants[0]!.getTime();
  const lastInstant = period.instants[last]!.getTime();
  const changesWithin = (t: Date | null) =>
    t !== null && t.getTime() > first && t.getTime() <= lastInstant;
  if (
    shared.policies.some(
      (p) => p.scope === "MEMBER" || changesWithin(p.startsAt) || changesWithin(p.expiresAt),
    )
  )
    return { settled: [], pending: members.map((m) => m.id) };
  const endOf = (m: { id: string; total: bigint }) =>
    asker(period, { ...shared, id: m.id }, () => m.total)(last, last);
  const sorted = [...members].sort((a, b) => (a.total < b.total ? -1 : a.total > b.total ? 1 : 0));
  // the first index whose answer is not ok (ok implies allowed)
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (endOf(sorted[mid]!).state === "ok") lo = mid + 1;
    else hi = mid;
  }
  const settled = sorted.slice(0, lo).map((m): MemberReplay => {
    let end: EffectiveLimit | undefined;
    return {
      memberId: m.id,
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
  return { settled, pending: sorted.slice(lo).map((m) => m.id) };
}

/** The replay of one period for some members, sharing the per-series checks. */
export function replayPeriod(
  period: ReplayPeriod,
  members: readonly ReplayMember[],
): MemberReplay[] {
  const last = period.days.length - 1;
  const first = period.instants[0]!.getTime();
  const lastInstant = period.instants[last]!.getTime();
  const monotoneGroup = new Map<string, boolean>();
  for (const [id, s] of period.groupCumulative) monotoneGroup.set(id, nonDecreasing(s));
  const workspaceMonotone = nonDecreasing(period.workspaceCumulative);
  const changesWithin = (t: Date | null) =>
    t !== null && t.getTime() > first && t.getTime() <= lastInstant;

  return members.map((m) => {
    const cum = m.cumulative;
    const used = (i: number) => (i < 0 || !cum ? 0n : cum[i]!);
    const ask = asker(period, m, used);
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
      m.policies.every((p) => !changesWithin(p.startsAt) && !changesWithin(p.expiresAt)) &&
      m.groups.every((g) => monotoneGroup.get(g.id) ?? true) &&
      (workspaceMonotone ||
        !m.policies.some((p) => p.scope === "WORKSPACE" && p.poolCapMicros !== null));

    // recorded spend stopped on day i, when the day ended refused
    const stoppedOn = (i: number, endOfDay: EffectiveLimit): bigint => {
      if (endOfDay.allowed) return 0n;
      const spent = used(i) - used(i - 1);
      if (spent <= 0n) return 0n;
      const before = ask(i, i - 1);
      if (!before.allowed) return spent;
      const room = before.remainingMicros ?? spent;
      return spent > room ? spent - room : 0n;
    };

    if (monotone) {
      if (end.state === "ok" && end.allowed)
        return {
          memberId: m.id,
          softDay: null,
          overDay: null,
          blockedDay: null,
          stoppedMicros: 0n,
          end,
          dayByDay: false,
        };
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
        blocked === null ? 0n : used(last) - used(blocked) + stoppedOn(blocked, at(blocked));
      return {
        memberId: m.id,
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
      softDay: soft === null ? null : period.days[soft]!,
      overDay: over === null ? null : period.days[over]!,
      blockedDay: blocked === null ? null : period.days[blocked]!,
      stoppedMicros,
      end,
      dayByDay: true,
    };
  });
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
