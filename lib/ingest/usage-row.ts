/** Building UsageRows: what a row holds when the provider does not report a figure. Pure. */
import type { UsageRow } from "./types";

/** The fields every adapter states; the rest default to what a provider that does not say gets. */
export type UsageRowFields = Pick<UsageRow, "day" | "provider" | "identity" | "product"> &
  Partial<UsageRow>;

/**
 * A usage row from the fields the adapter knows: no model, project, API key or line item
 * (""), no tokens or requests (0), no list-price estimate or billed cost (0), credits derived
 * from cost with the workspace rate (null), priced.
 */
export function usageRowOf(fields: UsageRowFields): UsageRow {
  return {
    model: "",
    project: "",
    apiKey: "",
    lineItem: "",
    inputTokens: 0n,
    cachedInputTokens: 0n,
    outputTokens: 0n,
    requests: 0n,
    estimatedCostMicros: 0n,
    costMicros: 0n,
    creditsMicros: null,
    unpriced: false,
    ...fields,
  };
}
