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
/** The band is the 10th to the 90th percentile of what happened over comparable blocks. */
const LOW_Q = 10;
const HIGH_Q = 90;
/** Blocks never longer than half the lookback, so there are always ~29 of them to rank. */
const MAX_BLOCK = LOOKBACK_DAYS / 2;

/** Daily spend by day key (budget unit, micro-units); absent days are zero. */
export type DailyHistory = ReadonlyMap<DayKey, bigint>;

export interface ForecastInput {
  /** the subject's own daily spend; may include today and earlier days of the period */
  history: DailyHistory;
  /** spend so far this period, through today (what the meters show) */
  spentMicros: bigint;
  period: Period;
  today: DayKey;
  /** a comparable subject's history (a member's group, per member) when the own one is short */
  fallback?: DailyHistory | null;
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
  /** lookback values, oldest first */
  values: bigint[];
  /** mean per weekday */
  means: bigint[];
  /** the weekday mean of each lookback day, oldest first */
  expected: bigint[];
  /** sorted values per weekday */
  byWeekday: bigint[][];
  daysWithData: number;
  /** [low, high] residual percentiles by block length, filled on demand */
  spread: Map<number, [bigint, bigint]>;
}

// one group history serves as the fallback of many members: learn it once per day
const learnedCache = new WeakMap<DailyHistory, { today: DayKey; learned: Learned }>();

function learnCached(history: DailyHistory, today: DayKey): Learned {
  const hit = learnedCache.get(history);
  if (hit && hit.today === today) return hit.learned;
  const learned = learn(history, today);
  learnedCache.set(history, { today, learned });
  return learned;
}

function learn(history: DailyHistory, today: DayKey): Learned {
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
  const perWeekday = BigInt(LOOKBACK_DAYS / 7);
  const means = sums.map((s) => divRoundHalfEven(s, perWeekday));
  return {
    values,
    means,
    expected: values.map((_, i) => means[(w0 + i) % 7]!),
    byWeekday: byWeekday.map((xs) => xs.sort(sortBig)),
    daysWithData,
    spread: new Map(),
  };
}

/**
 * The 10th and 90th percentile of what actually happened minus what the weekday means
 * expected, over every block of `len` consecutive lookback days.
 */
function spreadOf(m: Learned, len: number): [bigint, bigint] {
  const cached = m.spread.get(len);
  if (cached) return cached;
  const out: bigint[] = [];
  const expected = m.expected;
  let actual = 0n;
  let exp = 0n;
  for (let i = 0; i < m.values.length; i++) {
    actual += m.values[i]!;
    exp += expected[i]!;
    if (i >= len) {
      actual -= m.values[i - len]!;
      exp -= expected[i - len]!;
    }
    if (i >= len - 1) out.push(actual - exp);
  }
  out.sort(sortBig);
  const q: [bigint, bigint] = [percentile(out, LOW_Q, false), percentile(out, HIGH_Q, true)];
  m.spread.set(len, q);
  return q;
}

/** Block lengths measured directly; lengths between them are interpolated (cost: a few sorts per subject). */
const MEASURED = [1, 7, 14, MAX_BLOCK];

/**
 * The spread for a horizon of k days: measured at a few block lengths, linear in between,
 * and linear in k beyond the longest block (treats the excess days as moving together,
 * which widens the band rather than pretending they cancel out).
 */
function spreadAt(m: Learned, k: number): [bigint, bigint] {
  if (k >= MAX_BLOCK) {
    const [lo, hi] = spreadOf(m, MAX_BLOCK);
    const K = BigInt(k);
    const L = BigInt(MAX_BLOCK);
    return [(lo * K) / L, (hi * K) / L];
  }
  if (MEASURED.includes(k)) return spreadOf(m, k);
  const b = MEASURED.find((x) => x > k)!;
  const a = MEASURED[MEASURED.indexOf(b) - 1]!;
  const [alo, ahi] = spreadOf(m, a);
  const [blo, bhi] = spreadOf(m, b);
  const t = BigInt(k - a);
  const span = BigInt(b - a);
  return [alo + ((blo - alo) * t) / span, ahi + ((bhi - ahi) * t) / span];
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
    const [qlo, qhi] = spreadAt(model, k);
    const lo = max(0n, mid + qlo);
    const hi = max(mid, mid + qhi);
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
