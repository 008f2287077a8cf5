/** Claude's amounts: decimal strings of US cents ("50000" = $500.00), exact through lib/core/money.ts. */
import { centsToMicros, divRoundHalfEven } from "../../core/money";

/** micro-USD → Claude's cents text, rounded half-even to the cent. */
export function claudeAmountText(usdMicros: bigint): string {
  return String(divRoundHalfEven(usdMicros, 10_000n));
}

export function parseClaudeAmount(text: string): bigint {
  return centsToMicros(text);
}
