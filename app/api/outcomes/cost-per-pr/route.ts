import { z } from "zod";

import { getCostPerPrContext } from "@/lib/analytics/outcomes";
import { json, sessionRoute } from "@/lib/auth/guards";
import { spendScopeFor } from "@/lib/auth/scope";
import { InvalidInputError, NotFoundError } from "@/lib/core/errors";
import { searchObject } from "@/lib/http/query";
import { now } from "@/lib/server/clock";
import { db } from "@/lib/server/db";

const query = z.object({ member: z.string().min(1).max(64) });

/** The request context's "cost per PR: this person vs their group" (components/outcomes/cost-per-pr.tsx). */
export const GET = sessionRoute(["spend:read:all", "spend:read:groups"], async (req, { actor }) => {
  const params = searchObject(new URL(req.url).searchParams);
  // an unknown parameter is named before a missing one: it is the likelier mistake
  const unknown = Object.keys(params).filter((k) => k !== "member");
  if (unknown.length)
    throw new InvalidInputError(`Unknown query parameter: ${unknown.join(", ")}`, unknown[0]);
  const q = query.parse(params);
  const scope = await spendScopeFor(db(), actor);
  const context = await getCostPerPrContext({ db: db(), scope, now: now() }, q.member);
  if (!context) throw new NotFoundError("member");
  return json(context);
});
