import { z } from "zod";

import { json } from "@/lib/auth/guards";
import { searchObject } from "@/lib/http/query";
import { readJsonBody } from "@/lib/http/read-json";
import { addMemberSchema, memberListSchema, parseFields } from "@/lib/people/fields";
import { addMember, listMembers } from "@/lib/people/members";
import { peopleRoute } from "@/lib/people/route";
import { db } from "@/lib/server/db";

export const GET = peopleRoute(["members:manage", "members:read"], async (req, { actor }) => {
  const q = parseFields(memberListSchema, searchObject(new URL(req.url).searchParams));
  return json(await listMembers(db(), actor, q));
});

export const POST = peopleRoute(["members:manage"], async (req, { actor }) => {
  const input = parseFields(addMemberSchema, await readJsonBody(req, z.unknown()));
  return json(await addMember(db(), actor, input), { status: 201 });
});
