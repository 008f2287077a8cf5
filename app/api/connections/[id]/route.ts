import { z } from "zod";

import { auditActor } from "@/lib/auth/actor";
import { json, sessionRoute } from "@/lib/auth/guards";
import {
  archiveConnection,
  updateConnection,
  updateConnectionSchema,
} from "@/lib/connections/connections";
import { readJsonBody, readNoBody } from "@/lib/http/read-json";
import { now } from "@/lib/server/clock";
import { db } from "@/lib/server/db";

const params = z.object({ id: z.string().min(1).max(64) });
const body = updateConnectionSchema.omit({ id: true });

/** Edits a connection: name, base URL (needs the key again), key, schedule, enabled. */
export const PATCH = sessionRoute(["connections:manage"], async (req, ctx) => {
  const { id } = params.parse(ctx.params);
  const data = await readJsonBody(req, body);
  return json(
    await updateConnection(db(), ctx.actor.workspaceId, { ...data, id }, auditActor(ctx.actor)),
  );
});

/** Archives the connection (owner): it stops syncing and leaves the list; its runs and usage stay. */
export const DELETE = sessionRoute(["connections:manage"], async (req, ctx) => {
  const { id } = params.parse(ctx.params);
  await readNoBody(req);
  return json(
    await archiveConnection(db(), ctx.actor.workspaceId, id, auditActor(ctx.actor), now()),
  );
});
