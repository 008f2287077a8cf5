import { z } from "zod";
import { json } from "@/lib/auth/guards";
import { tokenAuditActor, tokenRoute } from "@/lib/auth/token-route";
import { now } from "@/lib/clock";
import { db } from "@/lib/db";
import { approveRequest } from "@/lib/requests/decide";
import { approveSchema } from "@/lib/requests/request-input";

const params = z.object({ id: z.coerce.number().int().positive() });

export const POST = tokenRoute("requests:decide", async (req, { token, params: p }) => {
  const { id } = params.parse(p);
  const body = approveSchema.parse(await req.json().catch(() => ({})));
  return json(await approveRequest(db(), { kind: "token", workspaceId: token.workspaceId, label: tokenAuditActor(token).label }, id, body, now()));
});
