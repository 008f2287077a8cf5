import { z } from "zod";

import { json } from "@/lib/auth/guards";
import { readJsonBody } from "@/lib/http/read-json";
import { createGroupSchema, parseFields } from "@/lib/people/fields";
import { createGroup, listGroups } from "@/lib/people/groups";
import { peopleRoute } from "@/lib/people/route";
import { db } from "@/lib/server/db";

export const GET = peopleRoute(["groups:manage", "members:read"], async (_req, { actor }) =>
  json({ data: await listGroups(db(), actor) }),
);

export const POST = peopleRoute(["groups:manage"], async (req, { actor }) => {
  const input = parseFields(createGroupSchema, await readJsonBody(req, z.unknown()));
  return json(await createGroup(db(), actor, input), { status: 201 });
});
