import { z } from "zod";

import { json } from "@/lib/auth/guards";
import { readJsonBody } from "@/lib/http/read-json";
import { deactivateMember } from "@/lib/people/deactivate";
import { deactivateSchema, idParam, parseFields } from "@/lib/people/fields";
import { peopleRoute } from "@/lib/people/route";
import { now } from "@/lib/server/clock";
import { db } from "@/lib/server/db";

/** Ends sessions, overrides and pending requests, and refuses sign-in (lib/people/deactivate.ts). */
export const POST = peopleRoute(["members:manage"], async (req, ctx) => {
  const { id } = idParam.parse(ctx.params);
  const input = parseFields(deactivateSchema, await readJsonBody(req, z.unknown()));
  return json(await deactivateMember(db(), ctx.actor, id, input, now()));
});
