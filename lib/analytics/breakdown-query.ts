/** The breakdown explorer's table state (dimension, sort, page) as parsed from a request. Pure. */
import { z } from "zod";

import { DIMENSIONS } from "./filters";

export const SORTS = [
  "amount",
  "label",
  "change",
  "requests",
  "tokens",
  "cacheHit",
  "cost",
  "credits",
] as const;
export type SortKey = (typeof SORTS)[number];

export const breakdownQuerySchema = z.object({
  dimension: z.enum(DIMENSIONS).default("member"),
  sort: z.enum(SORTS).default("amount"),
  dir: z.enum(["asc", "desc"]).default("desc"),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(25),
});
export type BreakdownQuery = z.infer<typeof breakdownQuerySchema>;
