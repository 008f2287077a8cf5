import { json, sessionRoute } from "@/lib/auth/guards";
import { searchObject } from "@/lib/http/query";
import { getLimitsOverview } from "@/lib/limits/limits-screen";
import { membersApiQuerySchema } from "@/lib/limits/members-query";
import { now } from "@/lib/server/clock";
import { db } from "@/lib/server/db";

/**
 * Every member in scope; with `page` (the screen's query: state, q, sort, page) one page of
 * them — a bad value is a 400 naming the parameter (a ZodError, lib/auth/guards.ts).
 */
export const GET = sessionRoute(
  ["limits:read:all", "spend:read:groups"],
  async (req, { actor }) => {
    const params = new URL(req.url).searchParams;
    const query = params.has("page")
      ? membersApiQuerySchema.parse(searchObject(params))
      : undefined;
    return json(await getLimitsOverview(db(), actor, now(), query));
  },
);
