/**
 * The breakdown's shapes, shared by its steps (plan, read, shape), its entry points and the
 * explorer's client component (types only: importing them loads no server module).
 */
import type { Unit } from "../core/money";
import type { BudgetPeriod } from "../core/period";
import type { Metrics } from "./analytics-types";
import type { SortKey } from "./breakdown-query";
import type { Dimension } from "./filters";
import type { ResolvedRange } from "./range";

export interface BreakdownRow extends Metrics {
  key: string;
  label: string;
  sublabel: string | null;
  /** drill-down page, when the row is a member or a group */
  href: string | null;
  previousAmountMicros: bigint;
  /** display-only ratios, one decimal; null when there is nothing to compare with */
  sharePct: number;
  changePct: number | null;
  cacheHitPct: number | null;
  /** daily amounts in the budget unit over the range, one per day of `days` */
  sparkline: bigint[];
}

/** The filtered total, each usage row counted once, with the previous equal range's amount. */
export type BreakdownTotals = Metrics & { previousAmountMicros: bigint };

export interface Breakdown {
  dimension: Dimension;
  unit: Unit;
  range: ResolvedRange;
  days: string[];
  rows: BreakdownRow[];
  /** rows in the whole result; null where the consumer did not ask (needs.count: an Overview widget) */
  totalRows: number | null;
  page: number;
  pageSize: number;
  sort: SortKey;
  dir: "asc" | "desc";
  /** the filtered total, each usage row counted once (group rows may overlap) */
  totals: BreakdownTotals;
  /** sum of the rows' amounts; differs from totals only for the group dimension (null: not asked) */
  rowsSumMicros: bigint | null;
  overlapping: boolean;
}

/** A breakdown whose consumer counts its rows: every consumer but an Overview widget. */
export interface CountedBreakdown extends Breakdown {
  totalRows: number;
  rowsSumMicros: bigint;
}

/** A row's name as shown: members and groups by name, other dimensions by their key. */
export interface RowLabel {
  label: string;
  sublabel: string | null;
  href: string | null;
}

/** The settings every analytics question needs: budget unit, budget period, timezone. */
export interface WorkspaceSettings {
  timezone: string;
  unit: Unit;
  budgetPeriod: BudgetPeriod;
}

/**
 * What a breakdown is read against: the workspace's settings, the resolved range and the
 * filtered totals (a promise, so the Overview's widgets share one read of them).
 */
export interface BreakdownBasis {
  workspace: WorkspaceSettings;
  range: ResolvedRange;
  totals: () => Promise<BreakdownTotals>;
}
