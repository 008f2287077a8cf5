import { getOverview } from "@/lib/analytics/overview";
import { spendScopeFor } from "@/lib/analytics/scope";
import { json, sessionRoute } from "@/lib/auth/guards";
import { now } from "@/lib/clock";
import { db } from "@/lib/db";

export const GET = sessionRoute(["spend:read:own"], async (_req, { actor }) => {
  const scope = await spendScopeFor(db(), actor);
  return json(await getOverview(db(), scope, now()));
});
