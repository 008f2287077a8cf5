import { exportBreakdown } from "@/lib/analytics/breakdown";
import { breakdownToCsv } from "@/lib/analytics/breakdown-csv";
import { parseAnalyticsQuery } from "@/lib/analytics/url-state";
import { sessionRoute } from "@/lib/auth/guards";
import { spendScopeFor } from "@/lib/auth/scope";
import { csvResponse } from "@/lib/exports/csv-response";
import { now } from "@/lib/server/clock";
import { db } from "@/lib/server/db";

export const GET = sessionRoute(["spend:read:own"], async (req, { actor }) => {
  const s = parseAnalyticsQuery(new URL(req.url).searchParams);
  const scope = await spendScopeFor(db(), actor);
  const b = await exportBreakdown({ db: db(), scope, now: now() }, s.spec, s.filters, s.query);
  return csvResponse(
    breakdownToCsv(b),
    `usage-by-${b.dimension}-${b.range.start}-${b.range.end}.csv`,
  );
});
