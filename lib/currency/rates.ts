/**
 * The workspace's dated exchange rates: a rate is in force from its day until the next
 * entry of the same currency; USD is always 1. A day before a currency's first entry has no
 * rate (the sync flags it and leaves that cost out of the billed total). Pure.
 */
import type { DayKey } from "../core/period";
import { toUsdMicros } from "./convert";

export interface RateEntry {
  currency: string;
  effectiveFrom: DayKey;
  /** USD per one unit of the currency, exact decimal text */
  usdPerUnit: string;
}

export type ToUsd = (amount: string, currency: string, day: DayKey) => bigint | null;

export class RateTable {
  private readonly byCurrency = new Map<string, RateEntry[]>();

  constructor(entries: readonly RateEntry[]) {
    for (const e of entries) {
      const c = e.currency.toUpperCase();
      this.byCurrency.set(c, [...(this.byCurrency.get(c) ?? []), e]);
    }
    for (const list of this.byCurrency.values())
      list.sort((a, b) => (a.effectiveFrom < b.effectiveFrom ? -1 : 1));
  }

  /** USD per unit on `day`, or null when no entry covers it. */
  rateFor(currency: string, day: DayKey): string | null {
    const c = currency.toUpperCase();
    if (c === "USD") return "1";
    let found: string | null = null;
    for (const e of this.byCurrency.get(c) ?? []) {
      if (e.effectiveFrom > day) break;
      found = e.usdPerUnit;
    }
    return found;
  }

  /** The converter adapters receive (FetchContext.toUsd). */
  readonly toUsd: ToUsd = (amount, currency, day) => {
    const rate = this.rateFor(currency, day);
    return rate === null ? null : toUsdMicros(amount, rate);
  };
}

/** USD only: what an adapter uses when the sync gives it no rates. */
export const USD_ONLY = new RateTable([]);
