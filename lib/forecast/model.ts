/**
 * The forecast of period-end spend with a low/high band (docs/forecast.md). Framework-free,
 * deterministic, integer micro-units only: it learns the subject's weekday-adjusted daily
 * pace from the last LOOKBACK_DAYS days before today and the spread of what actually
 * happened over blocks of the same length as the rest of the period. The one projection
 * rule of the app: Overview, My usage, Limits, alerts and the bench all read it.
 */
import { divRoundHalfEven } from "../core/money";
import { addDays, daysBetween, type DayKey, type Period } from "../core/period";

/** Eight whole weeks: every weekday is seen eight times. */
export const LOOKBACK_DAYS = 56;
/** Fewer days with spend than this in the lookback and the group's history is used instead. */
export const MIN_DAYS_WITH_DATA = 14;
/**
 * The band's nominal coverage: the actual period end falls between low and high for about 80 %
 * of forecasts (10 % below, 10 % above). Z is the normal quantile of 90 %.
 */
export const NOMINAL_COVERAGE_PCT = 80;
const Z = 1.2816;
/** The per-day chart band: the 10th to the 90th percentile of the weekday's own days. */
const LOW_Q = 10;
const HIGH_Q = 90;
/** Blocks never longer than half the lookback, so every weekday keeps four days outside one. */
const MAX_BLOCK = LOOKBACK_DAYS / 2;
const WEEKS = LOOKBACK_DAYS / 7;

/** Daily spend by day key (budget unit, micro-units); absent days are zero. */
export type DailyHistory = ReadonlyMap<DayKey, bigint>;

/**
 * A group's history divided per member (lib/forecast/history.ts perMember): the fallback of a
 * member whose own history is short. `members` is what it was divided by: an average of N
 * people varies about √N times less than one of them, so the band is widened back.
 */
export interface PerMemberHistory extends DailyHistory {
  readonly members?: number;
}

/** A group's history per member: the fallback of a member whose own history is short. */
export function perMember(h: DailyHistory, members: number): PerMemberHistory {
  const n = Math.max(1, Math.floor(members));
  const each = n === 1 ? new Map(h) : new Map([...h].map(([d, v]) => [d, v / BigInt(n)]));
  return Object.assign(each, { members: n });
}

export interface ForecastInput {
  /** the subject's own daily spend; may include today and earlier days of the period */
  history: DailyHistory;
  /** spend so far this period, through today (what the meters show) */
  spentMicros: bigint;
  period: Period;
  today: DayKey;
  /** a comparable subject's history (a member's group, per member) when the own one is short */
  fallback?: PerMemberHistory | null;
}

export type ForecastSource = "own" | "group" | "none";

export interface ForecastDay {
  day: DayKey;
  lowMicros: bigint;
  midMicros: bigint;
  highMicros: bigint;
}

export interface Forecast {
  /** period-end spend: low ≤ mid ≤ high, all ≥ spent so far */
  lowMicros: bigint;
  midMicros: bigint;
  highMicros: bigint;
  source: ForecastSource;
  /** per future day (after today) the expected daily spend and its band, for charts */
  days: ForecastDay[];
  /** cumulative spend from now on, per future day starting with today (index 0 = today's rest) */
  cumulative: { low: bigint[]; mid: bigint[]; high: bigint[] };
  spentMicros: bigint;
  period: Period;
  today: DayKey;
}

/** Monday = 0 … Sunday = 6 (1970-01-05 was a Monday). */
export function weekdayOf(day: DayKey): number {
  return ((daysBetween("1970-01-05", day) % 7) + 7) % 7;
}

// day keys are strings built through Date; a forecast of 20,000 members reuses the same few
const keyRuns = new Map<string, DayKey[]>();
function daysFrom(start: DayKey, n: number): DayKey[] {
  const id = `${start}+${n}`;
  let keys = keyRuns.get(id);
  if (!keys) {
    keys = Array.from({ length: n }, (_, i) => addDays(start, i));
    if (keyRuns.size > 64) keyRuns.clear();
    keyRuns.set(id, keys);
  }
  return keys;
}

function percentile(sorted: readonly bigint[], q: number, up: boolean): bigint {
  if (sorted.length === 0) return 0n;
  const pos = (q * (sorted.length - 1)) / 100;
  return sorted[up ? Math.ceil(pos) : Math.floor(pos)]!;
}

const sortBig = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);
const max = (a: bigint, b: bigint) => (a > b ? a : b);
const min = (a: bigint, b: bigint) => (a < b ? a : b);

interface Learned {
  /** mean per weekday (exact, micro-units) */
  means: bigint[];
  /** sorted values per weekday (the chart's per-day band) */
  byWeekday: bigint[][];
  daysWithData: number;
  /** per weekday: the variance of one day around its weekday mean (micro-units², estimated) */
  dayVar: number[];
  /** how much more (or less) blocks of 1, 7, 14 and 28 days varied than independent days would */
  inflation: number[];
  /** of those blocks' squared misses, the share above the expectation (skew: spend spikes up) */
  upShare: number[];
  /** √members for a per-member group average (see PerMemberHistory), else 1 */
  scale: number;
}

// one group history serves as the fallback of many members: learn it once per day
const learnedCache = new WeakMap<DailyHistory, { today: DayKey; learned: Learned }>();

function learnCached(history: PerMemberHistory, today: DayKey): Learned {
  const hit = learnedCache.get(history);
  if (hit && hit.today === today) return hit.learned;
  const learned = learn(history, today, Math.sqrt(Math.max(1, history.members ?? 1)));
  learnedCache.set(history, { today, learned });
  return learned;
}

/** Block lengths whose spread is measured; lengths between them are interpolated. */
const MEASURED = [1, 7, 14, MAX_BLOCK];

function learn(history: DailyHistory, today: DayKey, scale = 1): Learned {
  const start = addDays(today, -LOOKBACK_DAYS);
  const values: bigint[] = [];
  const sums = Array.from({ length: 7 }, () => 0n);
  const byWeekday: bigint[][] = Array.from({ length: 7 }, () => []);
  let daysWithData = 0;
  const w0 = weekdayOf(start);
  const keys = daysFrom(start, LOOKBACK_DAYS);
  for (let i = 0; i < LOOKBACK_DAYS; i++) {
    // refunds and corrections can make a day negative; a forecast of spend never goes below zero
    const v = max(0n, history.get(keys[i]!) ?? 0n);
    values.push(v);
    if (v > 0n) daysWithData++;
    const w = (w0 + i) % 7;
    sums[w]! += v;
    byWeekday[w]!.push(v);
  }
  const means = sums.map((s) => divRoundHalfEven(s, BigInt(WEEKS)));
  // The spread is a statistical estimate, learned in floating point (micro-units fit a double
  // exactly up to $9 billion) and rounded back to whole micro-units; the mid stays exact.
  const x = values.map(Number);
  const wd = x.map((_, i) => (w0 + i) % 7);
  const sum = sums.map(Number);
  const dayVar = Array.from({ length: 7 }, () => 0);
  for (let i = 0; i < x.length; i++) dayVar[wd[i]!]! += (x[i]! - sum[wd[i]!]! / WEEKS) ** 2;
  for (let w = 0; w < 7; w++) dayVar[w]! /= WEEKS - 1;
  return {
    means,
    byWeekday: byWeekday.map((xs) => xs.sort(sortBig)),
    daysWithData,
    dayVar,
    // no spend in the lookback: no block misses anything (what heldOut finds, without the work)
    ...(daysWithData === 0 ? NOTHING_HELD_OUT : heldOut(x, wd, sum, dayVar)),
    scale,
  };
}

const NOTHING_HELD_OUT = {
  inflation: MEASURED.map(() => 1),
  upShare: MEASURED.map(() => 0.5),
};

/**
 * Held-out blocks: for every block of `len` consecutive lookback days, what the weekday means
 * of the days OUTSIDE it expected, against what the block actually brought. The squared misses
 * over what independent days would explain (their day variance plus the error of means learned
 * from the other days) measure how much consecutive days move together — a project month, a
 * holiday week — which day-to-day noise alone would miss.
 */
function heldOut(
  x: readonly number[],
  wd: readonly number[],
  sum: readonly number[],
  dayVar: readonly number[],
): { inflation: number[]; upShare: number[] } {
  const inflation: number[] = [];
  const upShare: number[] = [];
  for (const len of MEASURED) {
    const [inf, up] = blocksOf(x, wd, sum, dayVar, len);
    inflation.push(inf);
    upShare.push(up);
  }
  return { inflation, upShare };
}

function blocksOf(
  x: readonly number[],
  wd: readonly number[],
  sum: readonly number[],
  dayVar: readonly number[],
  len: number,
): [number, number] {
  let above = 0;
  let observed = 0;
  let expected = 0;
  // the block's sums per weekday, slid one day at a time (whole micro-units below 2^53: the
  // sums are exact, the same as adding each block afresh)
  const inSum = Array.from({ length: 7 }, () => 0);
  const inCount = Array.from({ length: 7 }, () => 0);
  for (let i = 0; i < len - 1; i++) {
    inSum[wd[i]!]! += x[i]!;
    inCount[wd[i]!]!++;
  }
  for (let s = 0; s + len <= x.length; s++) {
    const last = s + len - 1;
    inSum[wd[last]!]! += x[last]!;
    inCount[wd[last]!]!++;
    if (s > 0) {
      inSum[wd[s - 1]!]! -= x[s - 1]!;
      inCount[wd[s - 1]!]!--;
    }
    let miss = 0;
    let variance = 0;
    for (let w = 0; w < 7; w++) {
      const c = inCount[w]!;
      if (c === 0) continue;
      const outside = WEEKS - c;
      miss += inSum[w]! - (c * (sum[w]! - inSum[w]!)) / outside;
      variance += dayVar[w]! * (c + (c * c) / outside);
    }
    observed += miss * miss;
    if (miss > 0) above += miss * miss;
    expected += variance;
  }
  return [expected > 0 ? observed / expected : 1, observed > 0 ? above / observed : 0.5];
}

/**
 * The half-width in standard deviations for a horizon of k days. The spread over k days is
 * learned from about LOOKBACK_DAYS / k independent blocks, so it is itself uncertain: Student's
 * t with that many degrees of freedom (Cornish–Fisher expansion around Z), not the normal's Z.
 */
function zFor(k: number): number {
  const dof = LOOKBACK_DAYS / Math.min(Math.max(k, 1), MAX_BLOCK);
  const z3 = Z ** 3;
  return Z + (z3 + Z) / (4 * dof) + (5 * Z ** 5 + 16 * z3 + 3 * Z) / (96 * dof * dof);
}

/** A measured figure for a horizon of k days: linear between the measured block lengths. */
function at(measured: readonly number[], k: number): number {
  if (k >= MAX_BLOCK) return measured[MEASURED.length - 1]!;
  const j = MEASURED.findIndex((x) => x >= k);
  if (MEASURED[j] === k) return measured[j]!;
  const a = MEASURED[j - 1]!;
  const b = MEASURED[j]!;
  return measured[j - 1]! + ((measured[j]! - measured[j - 1]!) * (k - a)) / (b - a);
}

export function forecast(input: ForecastInput): Forecast {
  const { period, today, spentMicros } = input;
  const spent = max(0n, spentMicros);
  const lastDay = period.end;
  // days still to come, today included (its spend so far is already in `spent`)
  const horizon = Math.max(0, daysBetween(today, lastDay) + 1);
  const own = learn(input.history, today);
  const fb = input.fallback ? learnCached(input.fallback, today) : null;
  const anything = own.daysWithData > 0 || spent > 0n;
  let model: Learned | null = null;
  let source: ForecastSource = "none";
  if (anything) {
    if (own.daysWithData < MIN_DAYS_WITH_DATA && fb && fb.daysWithData >= MIN_DAYS_WITH_DATA) {
      model = fb;
      source = "group";
    } else {
      model = own;
      source = "own";
    }
  }
  const empty = {
    lowMicros: spent,
    midMicros: spent,
    highMicros: spent,
    source,
    days: [] as ForecastDay[],
    cumulative: { low: [] as bigint[], mid: [] as bigint[], high: [] as bigint[] },
    spentMicros: spent,
    period,
    today,
  };
  if (!model || horizon === 0) return empty;

  const spentToday = max(0n, input.history.get(today) ?? 0n);
  const days: ForecastDay[] = [];
  const cum = { low: [] as bigint[], mid: [] as bigint[], high: [] as bigint[] };
  let mid = 0n;
  let runLow = 0n;
  let runHigh = 0n;
  const wToday = weekdayOf(today);
  const futureKeys = daysFrom(today, horizon);
  // the variance of the days to come: each day's own, plus the error of the weekday means
  // (a mean of WEEKS days is off by its day variance / WEEKS, once for every day it is used)
  let dayVariance = 0;
  const uses = Array.from({ length: 7 }, () => 0);
  // a handful of days says too little about a spread (one large day would make a band that
  // alerts on a person who spent once): too short a history, own and group's, has no band
  const banded = model.daysWithData >= MIN_DAYS_WITH_DATA;
  for (let k = 1; k <= horizon; k++) {
    const w = (wToday + k - 1) % 7;
    // today's expectation counts only what is still to come
    const expected = k === 1 ? max(0n, model.means[w]! - spentToday) : model.means[w]!;
    mid += expected;
    if (k > 1) {
      const xs = model.byWeekday[w]!;
      days.push({
        day: futureKeys[k - 1]!,
        lowMicros: min(percentile(xs, LOW_Q, false), expected),
        midMicros: expected,
        highMicros: max(percentile(xs, HIGH_Q, true), expected),
      });
    }
    dayVariance += model.dayVar[w]!;
    uses[w]!++;
    let meanVariance = 0;
    for (let v = 0; v < 7; v++) meanVariance += (uses[v]! * uses[v]! * model.dayVar[v]!) / WEEKS;
    const sd = model.scale * Math.sqrt(at(model.inflation, k) * (dayVariance + meanVariance));
    const half = banded ? BigInt(Math.round(zFor(k) * sd)) : 0n;
    const lo = max(0n, mid - half);
    const hi = mid + half;
    // cumulative paths never go down: spend does not un-happen
    runLow = max(runLow, min(lo, mid));
    runHigh = max(runHigh, hi);
    cum.low.push(runLow);
    cum.mid.push(mid);
    cum.high.push(runHigh);
  }
  return {
    ...empty,
    lowMicros: spent + cum.low[horizon - 1]!,
    midMicros: spent + mid,
    highMicros: spent + cum.high[horizon - 1]!,
    days,
    cumulative: cum,
  };
}

export interface RunOutRange {
  /** on the high side: the soonest the limit is reached */
  earliest: DayKey;
  /** on the low side; null = not before the period ends */
  latest: DayKey | null;
  /** on the mid line; null = not before the period ends */
  likely: DayKey | null;
}

/**
 * The days the remaining budget runs out: earliest on the high side of the band, latest on
 * the low side. Null when even the high side stays within the limit this period.
 */
export function runOutRange(f: Forecast, limitMicros: bigint | null): RunOutRange | null {
  if (limitMicros === null) return null;
  const remaining = limitMicros - f.spentMicros;
  if (remaining <= 0n) return { earliest: f.today, latest: f.today, likely: f.today };
  const first = (path: bigint[]) => {
    const i = path.findIndex((v) => v >= remaining);
    return i < 0 ? null : addDays(f.today, i);
  };
  const earliest = first(f.cumulative.high);
  if (earliest === null) return null;
  return { earliest, latest: first(f.cumulative.low), likely: first(f.cumulative.mid) };
}
