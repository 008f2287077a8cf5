/** Display of cost-per-outcome figures: money in USD to the cent, a missing ratio as "—". */
import { formatAmount } from "@/lib/core/money";

/** "$14.17", or "—" when there is no commit / PR to divide by (never $0 or infinity). */
export function perOutcome(micros: string | null): string {
  return micros === null ? "—" : formatAmount(BigInt(micros), "USD");
}

export function usd(micros: string): string {
  return formatAmount(BigInt(micros), "USD");
}

export function count(n: number): string {
  return n.toLocaleString("en-US");
}
