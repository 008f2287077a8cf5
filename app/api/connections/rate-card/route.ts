import { auditActor } from "@/lib/auth/actor";
import { json, sessionRoute } from "@/lib/auth/guards";
import { readJsonBody } from "@/lib/http/read-json";
import { addRateCardVersion, rateCardVersionSchema } from "@/lib/ratecard/rate-card-entries";
import { db } from "@/lib/server/db";

/** Adds a price version (USD per 1M tokens) for a model from a day on. */
export const POST = sessionRoute(["connections:manage"], async (req, { actor }) => {
  const data = await readJsonBody(req, rateCardVersionSchema);
  return json(await addRateCardVersion(db(), actor.workspaceId, data, auditActor(actor)), {
    status: 201,
  });
});
