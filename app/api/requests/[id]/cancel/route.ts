import { z } from "zod";
import { json, sessionRoute } from "@/lib/auth/guards";
import { db } from "@/lib/db";
import { cancelRequest } from "@/lib/requests/decide";

const params = z.object({ id: z.coerce.number().int().positive() });

export const POST = sessionRoute(["requests:create"], async (_req, ctx) => {
  const { id } = params.parse(ctx.params);
  await cancelRequest(db(), ctx.actor, id);
  return json({ ok: true });
});
