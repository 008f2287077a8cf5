/**
 * Dimensions the breakdowns group by and filter on, and the zod schema of a filter set as
 * it arrives in a query string. Pure: shared by the server and the client.
 */
import { z } from "zod";

export const DIMENSIONS = [
  "member",
  "group",
  "costCenter",
  "product",
  "model",
  "provider",
  "project",
  "apiKey",
] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export const DIMENSION_LABELS: Record<Dimension, string> = {
  member: "Member",
  group: "Group",
  costCenter: "Cost center",
  product: "Product",
  model: "Model",
  provider: "Provider",
  project: "Provider project",
  apiKey: "API key",
};

/** Key of usage that maps to no member (shown as "Unattributed", never dropped). */
export const UNATTRIBUTED = "";
/** Key of attributed usage whose member has no group / no cost center. */
export const NONE = "~none";

export type Filters = Partial<Record<Dimension, string[]>>;

const values = z.array(z.string().max(200)).max(500);
export const filtersSchema = z.object(
  Object.fromEntries(DIMENSIONS.map((d) => [d, values.optional()])) as Record<
    Dimension,
    z.ZodOptional<typeof values>
  >,
);

/** "a,b" query-string lists → arrays; empty lists are dropped (no filter). */
export function filtersFromSearch(search: URLSearchParams): Filters {
  const out: Filters = {};
  for (const d of DIMENSIONS) {
    const all = search.getAll(d).flatMap((v) => v.split(","));
    if (all.length)
      out[d] = [...new Set(all.map((v) => (v === "unattributed" ? UNATTRIBUTED : v)))];
  }
  return filtersSchema.parse(out);
}

/** What a key is called on screen. Member and group names are resolved by the query. */
export function keyLabel(dimension: Dimension, key: string): string {
  if (key === UNATTRIBUTED) {
    if (dimension === "member" || dimension === "group" || dimension === "costCenter")
      return "Unattributed";
    if (dimension === "model") return "(no model)";
    if (dimension === "project") return "(no project)";
    if (dimension === "apiKey") return "(no API key)";
    return "(none)";
  }
  if (key === NONE) return dimension === "group" ? "No group" : "No cost center";
  return key;
}

/** Project and API key live only on the fact table; the rest is answered from rollups. */
export function needsFactTable(dimension: Dimension | null, filters: Filters): boolean {
  return (
    dimension === "project" ||
    dimension === "apiKey" ||
    Boolean(filters.project?.length || filters.apiKey?.length)
  );
}
