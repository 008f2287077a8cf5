import { z } from "zod";

import { auditActor } from "@/lib/auth/actor";
import { json, sessionRoute } from "@/lib/auth/guards";
import { readJsonBody, readNoBody } from "@/lib/http/read-json";
import {
  editRateCardEntry,
  rateCardEditSchema,
  removeRateCardEntry,
} from "@/lib/ratecard/rate-card-entries";
import { db } from "@/lib/server/db";

const params = z.object({ id: z.string().min(1).max(64) });

/** Edits an owner's entry: its three prices, or the model an alias is priced as. */
export const PATCH = sessionRoute(["connections:manage"], async (req, ctx) => {
  const { id } = params.parse(ctx.params);
  const data = await readJsonBody(req, rateCardEditSchema);
  return json(
    await editRateCardEntry(db(), ctx.actor.workspaceId, id, data, auditActor(ctx.actor)),
  );
});

/** Removes an owner's entry (the seed price, or the next older version, applies again). */
export const DELETE = sessionRoute(["connections:manage"], async (req, ctx) => {
  const { id } = params.parse(ctx.params);
  await readNoBody(req); // a body means the caller meant something else: refuse, remove nothing
  return json(await removeRateCardEntry(db(), ctx.actor.workspaceId, id, auditActor(ctx.actor)));
});
