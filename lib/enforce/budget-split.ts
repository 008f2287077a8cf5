/**
 * One budget across vendors, as pure bigint arithmetic in the workspace's budget unit.
 *
 * An all-products limit is one budget: each vendor gets the spend already counted at that
 * vendor plus a share of the person's remaining budget, so the sum of what the vendors allow
 * is the spend everywhere plus the remaining budget — never more than Allotment's limit.
 * Shares are rounded down (the remainder stays unallocated), and a person already over
 * the limit gets at each vendor a proportional part of the limit not above that vendor's
 * spend (blocked everywhere, and still summing to at most the limit).
 */

export const SPLIT_RULES = ["proportional", "even", "one"] as const;
export type SplitRule = (typeof SPLIT_RULES)[number];

export interface SplitVendor {
  /** connector id (or vendor name): the key of the result */
  key: string;
  vendor: string;
  /** spend counted at this vendor in the budget period (budget micros) */
  used: bigint;
  /** spend at this vendor over the recent window, the weight of the proportional rule */
  recent: bigint;
}

export interface SplitInput {
  /** the person's own limit (budget micros); null = no own limit */
  limit: bigint | null;
  /** what counts against it, everywhere (all products, all providers) */
  usedAll: bigint;
  /** what is left (min of own and pool remainders); null = unlimited */
  remaining: bigint | null;
  vendors: SplitVendor[];
  rule: SplitRule;
  /** the vendor that gets the whole remaining budget under rule "one" */
  oneVendor?: string | null;
}

/**
 * Proportional weights with a floor: a vendor nobody used recently still gets a tenth of an
 * even share (otherwise a person could never start using a second vendor at all).
 */
function weights(input: SplitInput): bigint[] {
  const n = BigInt(input.vendors.length);
  if (input.rule === "one") {
    const i = input.vendors.findIndex(
      (v) => v.vendor === input.oneVendor || v.key === input.oneVendor,
    );
    if (i >= 0) return input.vendors.map((_, j) => (j === i ? 1n : 0n));
  }
  const total = input.vendors.reduce((s, v) => s + (v.recent > 0n ? v.recent : 0n), 0n);
  if (input.rule === "even" || total === 0n) return input.vendors.map(() => 1n);
  // weight_v = recent_v·10n + total (in units of total/(10n)): a floor of total/(10n) each
  return input.vendors.map((v) => (v.recent > 0n ? v.recent : 0n) * 10n * n + total);
}

/** Budget micros per vendor key; null = unlimited at that vendor. The sum never exceeds the limit. */
export function splitBudget(input: SplitInput): Map<string, bigint | null> {
  const out = new Map<string, bigint | null>();
  if (input.vendors.length === 0) return out;
  if (input.remaining === null) {
    for (const v of input.vendors) out.set(v.key, null);
    return out;
  }
  const used = input.vendors.map((v) => (v.used > 0n ? v.used : 0n));
  const usedVendors = used.reduce((a, b) => a + b, 0n);
  // spend elsewhere can't be negative: if the vendors' spend exceeds the total, trust the vendors
  const usedAll = input.usedAll > usedVendors ? input.usedAll : usedVendors;
  const cap = input.limit !== null ? input.limit : usedAll + input.remaining;
  if (usedAll >= cap) {
    // over (or at) the limit: each vendor stays at or below its own spend, summing to ≤ cap
    input.vendors.forEach((v, i) =>
      out.set(v.key, usedAll === 0n ? 0n : (cap * used[i]!) / usedAll),
    );
    return out;
  }
  let remaining = input.remaining;
  if (usedAll + remaining > cap) remaining = cap - usedAll;
  if (remaining < 0n) remaining = 0n;
  const w = weights(input);
  const wTotal = w.reduce((a, b) => a + b, 0n);
  input.vendors.forEach((v, i) =>
    out.set(v.key, used[i]! + (wTotal === 0n ? 0n : (remaining * w[i]!) / wTotal)),
  );
  return out;
}

export interface CapEntry {
  key: string;
  /** what the vendor allows now, in budget micros rounded up (null = unlimited) */
  current: bigint | null;
  /** the split's target in budget micros (null = unlimited) */
  target: bigint | null;
}

/**
 * Raises wait for room: a vendor is raised only as far as the sum of what every vendor allows
 * *now* (a pending lowering has not landed yet) stays within the cap. Lowerings go as they
 * are. The result is what may be written now; the rest follows once the lowerings landed.
 */
export function capRaises(cap: bigint | null, entries: CapEntry[]): Map<string, bigint | null> {
  const out = new Map<string, bigint | null>();
  if (cap === null) {
    for (const e of entries) out.set(e.key, e.target);
    return out;
  }
  const isRaise = (e: CapEntry) =>
    e.target === null ? e.current !== null : e.current !== null && e.target > e.current;
  let sum = 0n;
  let unbounded = false;
  for (const e of entries) {
    if (e.current === null) unbounded = true;
    else sum += e.current;
  }
  let room = unbounded ? 0n : cap - sum;
  if (room < 0n) room = 0n;
  for (const e of entries) {
    if (!isRaise(e)) {
      out.set(e.key, e.target);
      continue;
    }
    // a raise to "unlimited" under a finite cap never happens (the split gives finite targets then)
    const want = e.target === null ? cap : e.target;
    const step = want - e.current! < room ? want - e.current! : room;
    room -= step;
    out.set(e.key, e.current! + step);
  }
  return out;
}
