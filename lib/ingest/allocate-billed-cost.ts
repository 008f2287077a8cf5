/**
 * Splits a billed total (integer micro-USD) over rows in proportion to their weights (the
 * rows' list-price estimates) by largest remainder, so the shares sum to the bill exactly.
 * Ties in the remainder go to the earlier row, which makes the result deterministic.
 * Pure: no I/O, no floats.
 */
export function allocateBilledCost(total: bigint, weights: readonly bigint[]): bigint[] {
  if (weights.length === 0) throw new RangeError("nothing to allocate to");
  if (weights.some((w) => w < 0n)) throw new RangeError("weights must not be negative");
  let sum = weights.reduce((a, b) => a + b, 0n);
  // no weight at all: split evenly rather than inventing a preference
  const w = sum === 0n ? weights.map(() => 1n) : weights;
  if (sum === 0n) sum = BigInt(weights.length);

  const negative = total < 0n;
  const abs = negative ? -total : total;
  const shares = w.map((x) => (abs * x) / sum);
  const remainders = w.map((x, i) => ({ i, r: (abs * x) % sum }));
  let left = abs - shares.reduce((a, b) => a + b, 0n);
  remainders.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (let k = 0; left > 0n; k++, left--) shares[remainders[k]!.i]! += 1n;
  return negative ? shares.map((s) => -s) : shares;
}
