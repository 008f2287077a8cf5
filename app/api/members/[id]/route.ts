import { z } from "zod";

import { getMemberSummary } from "@/lib/analytics/member";
import { json, sessionRoute } from "@/lib/auth/guards";
import { spendScopeFor } from "@/lib/auth/scope";
import { readJsonBody } from "@/lib/http/read-json";
import { idParam, parseFields, updateMemberSchema } from "@/lib/people/fields";
import { updateMember } from "@/lib/people/members";
import { peopleRoute } from "@/lib/people/route";
import { now } from "@/lib/server/clock";
import { db } from "@/lib/server/db";

const params = z.object({ id: z.string().min(1).max(64) });

export const GET = sessionRoute(["spend:read:own"], async (_req, ctx) => {
  const { id } = params.parse(ctx.params);
  const scope = await spendScopeFor(db(), ctx.actor);
  return json(await getMemberSummary(db(), scope, id, now()));
});

/** Name, role, cost center, groups, managed groups and a service account's owner (lib/people/members.ts). */
export const PATCH = peopleRoute(["members:manage"], async (req, ctx) => {
  const { id } = idParam.parse(ctx.params);
  const input = parseFields(updateMemberSchema, await readJsonBody(req, z.unknown()));
  return json(await updateMember(db(), ctx.actor, id, input));
});
