import { z } from "zod";

import { json } from "@/lib/auth/guards";
import { tokenRoute } from "@/lib/auth/token-route";
import { readJsonBody } from "@/lib/http/read-json";
import { approveRequest, tokenDecider } from "@/lib/requests/decide-credit-request";
import { approveSchema } from "@/lib/requests/request-input";
import { now } from "@/lib/server/clock";
import { db } from "@/lib/server/db";

const params = z.object({ id: z.coerce.number().int().positive() });

/** Approves as the token's creator (their permissions, scope and grant ceiling); `{}` grants the amount asked. */
export const POST = tokenRoute("requests:decide", async (req, { token, params: p }) => {
  const { id } = params.parse(p);
  // an unreadable body is a 400, never "grant the full amount"
  const body = await readJsonBody(req, approveSchema);
  return json(await approveRequest(db(), await tokenDecider(db(), token), id, body, now()));
});
