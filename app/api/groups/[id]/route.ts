import { z } from "zod";
import { getGroupSummary } from "@/lib/analytics/group";
import { spendScopeFor } from "@/lib/analytics/scope";
import { parseAnalyticsQuery } from "@/lib/analytics/url-state";
import { json, sessionRoute } from "@/lib/auth/guards";
import { now } from "@/lib/clock";
import { db } from "@/lib/db";

const params = z.object({ id: z.string().min(1).max(64) });

export const GET = sessionRoute(["spend:read:own"], async (req, ctx) => {
  const { id } = params.parse(ctx.params);
  const s = parseAnalyticsQuery(new URL(req.url).searchParams);
  const scope = await spendScopeFor(db(), ctx.actor);
  return json(await getGroupSummary(db(), scope, id, now(), s.spec));
});
