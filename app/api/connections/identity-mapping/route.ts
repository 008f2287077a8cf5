import { auditActor } from "@/lib/auth/actor";
import { json, sessionRoute } from "@/lib/auth/guards";
import { mapIdentity, mapIdentitySchema } from "@/lib/connections/identity-mapping";
import { readJsonBody } from "@/lib/http/read-json";
import { db } from "@/lib/server/db";

/** Maps an unmapped provider identity to a member (and re-attributes its usage). */
export const POST = sessionRoute(["connections:manage"], async (req, { actor }) => {
  const data = await readJsonBody(req, mapIdentitySchema);
  return json(await mapIdentity(db(), actor.workspaceId, data, auditActor(actor)));
});
