/**
 * The Usage explorer's page (its server page and GET /api/usage): the breakdown, and on the
 * people dimension each row's effective limit this period, so that an owner going from a top
 * spender to "Set limit" sees the limit beside the spend. The limits are the limits module's
 * own rows (getMemberLimits: the one effective-limit rule), read for the page's members only.
 */
import "server-only";

import { getMemberLimits, type MyLimit } from "../limits/limits-screen";
import type { AnalyticsContext } from "./analytics-types";
import { explorerBreakdown } from "./breakdown";
import type { BreakdownQuery } from "./breakdown-query";
import type { CountedBreakdown } from "./breakdown-types";
import { UNATTRIBUTED, type Filters } from "./filters";
import type { RangeSpec } from "./range";

export interface ExplorerPage extends CountedBreakdown {
  /**
   * On the people dimension, each row's limit this period (whatever the range) by member id;
   * an inactive member is absent. Null on other dimensions.
   */
  limits: Record<string, MyLimit> | null;
}

export async function explorerPage(
  ctx: AnalyticsContext,
  spec: RangeSpec,
  filters: Filters,
  q: BreakdownQuery,
): Promise<ExplorerPage> {
  const breakdown = await explorerBreakdown(ctx, spec, filters, q);
  if (breakdown.dimension !== "member") return { ...breakdown, limits: null };
  const ids = breakdown.rows.map((r) => r.key).filter((k) => k !== UNATTRIBUTED);
  const limits = await getMemberLimits(ctx.db, ctx.scope.workspaceId, ids, ctx.now);
  return { ...breakdown, limits: Object.fromEntries(limits) };
}
