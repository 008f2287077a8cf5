import { z } from "zod";

import { json } from "@/lib/auth/guards";
import { readJsonBody } from "@/lib/http/read-json";
import { addServiceAccountSchema, parseFields } from "@/lib/people/fields";
import { peopleRoute } from "@/lib/people/route";
import { addServiceAccount } from "@/lib/people/service-accounts";
import { db } from "@/lib/server/db";

/** Names automation: a service account with an owner and the keys or projects that are its. */
export const POST = peopleRoute(["members:manage"], async (req, { actor }) => {
  const input = parseFields(addServiceAccountSchema, await readJsonBody(req, z.unknown()));
  return json(await addServiceAccount(db(), actor, input), { status: 201 });
});
