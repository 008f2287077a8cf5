import { z } from "zod";

import { json } from "@/lib/auth/guards";
import { tokenRoute } from "@/lib/auth/token-route";
import { readJsonBody } from "@/lib/http/read-json";
import { denyRequest, tokenDecider } from "@/lib/requests/decide-credit-request";
import { denySchema } from "@/lib/requests/request-input";
import { now } from "@/lib/server/clock";
import { db } from "@/lib/server/db";

const params = z.object({ id: z.coerce.number().int().positive() });

/** Denies as the token's creator; the note is required. */
export const POST = tokenRoute("requests:decide", async (req, { token, params: p }) => {
  const { id } = params.parse(p);
  const body = await readJsonBody(req, denySchema);
  return json(await denyRequest(db(), await tokenDecider(db(), token), id, body, now()));
});
