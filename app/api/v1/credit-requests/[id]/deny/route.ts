import { z } from "zod";
import { json } from "@/lib/auth/guards";
import { tokenAuditActor, tokenRoute } from "@/lib/auth/token-route";
import { now } from "@/lib/clock";
import { db } from "@/lib/db";
import { denyRequest } from "@/lib/requests/decide";
import { denySchema } from "@/lib/requests/request-input";

const params = z.object({ id: z.coerce.number().int().positive() });

export const POST = tokenRoute("requests:decide", async (req, { token, params: p }) => {
  const { id } = params.parse(p);
  const body = denySchema.parse(await req.json().catch(() => ({})));
  return json(await denyRequest(db(), { kind: "token", workspaceId: token.workspaceId, label: tokenAuditActor(token).label }, id, body, now()));
});
