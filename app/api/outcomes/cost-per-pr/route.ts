import { z } from "zod";

import { getCostPerPrContext } from "@/lib/analytics/outcomes";
import { spendScopeFor } from "@/lib/analytics/scope";
import { json, sessionRoute } from "@/lib/auth/guards";
import { now } from "@/lib/clock";
import { db } from "@/lib/db";
import { NotFoundError } from "@/lib/errors";
import { searchObject } from "@/lib/http/query";

const query = z.strictObject({ member: z.string().min(1).max(64) });

/** The request context's "cost per PR: this person vs their group" (components/outcomes/cost-per-pr.tsx). */
export const GET = sessionRoute(["spend:read:all", "spend:read:groups"], async (req, { actor }) => {
  const q = query.parse(searchObject(new URL(req.url).searchParams));
  const scope = await spendScopeFor(db(), actor);
  const context = await getCostPerPrContext({ db: db(), scope, now: now() }, q.member);
  if (!context) throw new NotFoundError("member");
  return json(context);
});
