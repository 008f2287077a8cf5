import { z } from "zod";

import { json, sessionRoute } from "@/lib/auth/guards";
import { readNoBody } from "@/lib/http/read-json";
import { cancelRequest } from "@/lib/requests/decide-credit-request";
import { now } from "@/lib/server/clock";
import { db } from "@/lib/server/db";

const params = z.object({ id: z.coerce.number().int().positive() });

export const POST = sessionRoute(["requests:create"], async (req, ctx) => {
  const { id } = params.parse(ctx.params);
  await readNoBody(req);
  await cancelRequest(db(), ctx.actor, id, now());
  return json({ ok: true });
});
