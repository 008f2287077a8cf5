import { z } from "zod";

import { getGroupSummary } from "@/lib/analytics/group";
import { parseAnalyticsQuery } from "@/lib/analytics/url-state";
import { json, sessionRoute } from "@/lib/auth/guards";
import { spendScopeFor } from "@/lib/auth/scope";
import { readJsonBody, readNoBody } from "@/lib/http/read-json";
import { idParam, parseFields, updateGroupSchema } from "@/lib/people/fields";
import { deleteGroup, updateGroup } from "@/lib/people/groups";
import { peopleRoute } from "@/lib/people/route";
import { now } from "@/lib/server/clock";
import { db } from "@/lib/server/db";

const params = z.object({ id: z.string().min(1).max(64) });

export const GET = sessionRoute(["spend:read:own"], async (req, ctx) => {
  const { id } = params.parse(ctx.params);
  const s = parseAnalyticsQuery(new URL(req.url).searchParams);
  const scope = await spendScopeFor(db(), ctx.actor);
  return json(await getGroupSummary(db(), scope, id, now(), s.spec));
});

/** Rename, cost center, members and managers (lib/people/groups.ts). */
export const PATCH = peopleRoute(["groups:manage"], async (req, ctx) => {
  const { id } = idParam.parse(ctx.params);
  const input = parseFields(updateGroupSchema, await readJsonBody(req, z.unknown()));
  return json(await updateGroup(db(), ctx.actor, id, input));
});

/** Only an empty group (no members, managers or limits). */
export const DELETE = peopleRoute(["groups:manage"], async (req, ctx) => {
  const { id } = idParam.parse(ctx.params);
  await readNoBody(req);
  await deleteGroup(db(), ctx.actor, id);
  return json({ ok: true });
});
