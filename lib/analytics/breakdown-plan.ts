/**
 * The breakdown's first step: which reads answer a consumer's question, decided from the
 * dimension, the sort and what the consumer shows (its needs) before anything is read. Pure:
 * no SQL here (that is grouped-sums.ts and sql-builder.ts), only the choice between them.
 */
import type { SortKey } from "./breakdown-query";
import type { Dimension } from "./filters";
import { viaMember } from "./sql-builder";

/** What a consumer of a breakdown shows; each entry point in breakdown.ts has one. */
export interface BreakdownNeeds {
  /** "page": the query's page of rows, labelled; "all": every row, labelled, no sparkline */
  rows: "page" | "all";
  /** the per-row daily series (page rows only) */
  sparkline: boolean;
  /** the previous equal range's amounts (change column) */
  change: boolean;
  /** only amount, cost, credits and requests; tokens, estimates and unpriced read 0 */
  lean: boolean;
  /**
   * how many rows the whole result has and their sum (a pager; a note that groups overlap):
   * a page sorted in the database counts them in a query of its own
   */
  count: boolean;
}

/** The explorer page and its API: a sorted page with every column and a sparkline. */
export const EXPLORER: BreakdownNeeds = {
  rows: "page",
  sparkline: true,
  change: true,
  lean: false,
  count: true,
};
/** The CSV export and the member / group / My budget pages: every row, every figure. */
export const EVERY_ROW: BreakdownNeeds = {
  rows: "all",
  sparkline: false,
  change: true,
  lean: false,
  count: true,
};
/** An Overview widget: a top-N list of amounts, no change, no sparkline. */
export const WIDGET: BreakdownNeeds = {
  rows: "page",
  sparkline: false,
  change: false,
  lean: true,
  count: false,
};

/** Sorts the database can order and page exactly like JS (plain bigint orders). */
export const SQL_SORTS = ["amount", "cost", "credits", "requests", "tokens"] as const;
export type SqlSort = (typeof SQL_SORTS)[number];

/** Sorts that lean sums (amount, cost, credits, requests) can order. */
const LEAN_SORTS = new Set<SortKey>(["amount", "cost", "credits", "requests"]);

/** Which ranges a second read of a page's rows takes: the previous amounts, the full current figures. */
export interface Refetch {
  previous: boolean;
  current: boolean;
}

export type BreakdownPlan =
  | {
      /** member rows summed, sorted and paged in SQL (pagedSums) */
      kind: "sqlPage";
      sort: SqlSort;
      /** pagedSums reads lean sums */
      leanPage: boolean;
      /** pagedSums also counts the rows and sums them (a query of its own) */
      count: boolean;
      /** the page's rows read again through the member index, for these ranges */
      refetch: Refetch | null;
      /** the full figures of the refetch replace the lean page's */
      fullRows: boolean;
    }
  | {
      /** every key summed (sumsByKey), then sorted and (for a page) sliced in JS */
      kind: "grouped";
      /** the grouped read includes the previous range */
      withPrevious: boolean;
      /** the grouped read is lean */
      leanRows: boolean;
      /** labels read for every row before sorting (label sort, every-row consumers) */
      labelsFirst: boolean;
      /** slice to the query's page */
      paginate: boolean;
      /** the page's groups / cost centers read again from their members (sumsForKeys) */
      refetch: Refetch | null;
      fullRows: boolean;
    };

/**
 * Only the member dimension has enough rows to be worth paging in SQL (groups and cost
 * centers are a few hundred); its keys are ids or "", which sort the same bytewise in SQL
 * and in JS.
 */
export function sqlSortOf(dimension: Dimension, sort: SortKey): SqlSort | null {
  return dimension === "member" && (SQL_SORTS as readonly string[]).includes(sort)
    ? (sort as SqlSort)
    : null;
}

export function planBreakdown(
  q: { dimension: Dimension; sort: SortKey },
  needs: BreakdownNeeds,
): BreakdownPlan {
  const sqlSort = needs.rows === "page" ? sqlSortOf(q.dimension, q.sort) : null;
  if (sqlSort) {
    // Sorted and paged in the database (lean sums when the sort allows); the page's rows
    // are then read in full, with their previous range, through the member index.
    const fullRows = !needs.lean && LEAN_SORTS.has(q.sort);
    return {
      kind: "sqlPage",
      sort: sqlSort,
      leanPage: needs.lean || fullRows,
      count: needs.count,
      refetch: fullRows || needs.change ? { previous: needs.change, current: fullRows } : null,
      fullRows,
    };
  }
  // Groups and cost centers: rows are summed lean when the sort needs no more, and the
  // previous range (unless the sort is the change) and the full figures are then read for
  // the page's rows only, from their members.
  const pageOnly = needs.rows === "page" && viaMember(q.dimension);
  const leanRows = needs.lean || (pageOnly && LEAN_SORTS.has(q.sort));
  const pagePrevious = pageOnly && needs.change && q.sort !== "change";
  const fullRows = leanRows && !needs.lean;
  return {
    kind: "grouped",
    withPrevious: needs.change && !pagePrevious,
    leanRows,
    labelsFirst: q.sort === "label" || needs.rows === "all",
    paginate: needs.rows === "page",
    refetch: pagePrevious || fullRows ? { previous: pagePrevious, current: fullRows } : null,
    fullRows,
  };
}
