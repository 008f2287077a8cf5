import { explorerPage } from "@/lib/analytics/explorer-page";
import { parseAnalyticsQuery } from "@/lib/analytics/url-state";
import { json, sessionRoute } from "@/lib/auth/guards";
import { spendScopeFor } from "@/lib/auth/scope";
import { now } from "@/lib/server/clock";
import { db } from "@/lib/server/db";

export const GET = sessionRoute(["spend:read:own"], async (req, { actor }) => {
  const s = parseAnalyticsQuery(new URL(req.url).searchParams);
  const scope = await spendScopeFor(db(), actor);
  return json(await explorerPage({ db: db(), scope, now: now() }, s.spec, s.filters, s.query));
});
