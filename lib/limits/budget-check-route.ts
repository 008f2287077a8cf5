/**
 * GET /api/v1/budget-check — one handler, mounted by the Next route
 * (app/api/v1/budget-check/route.ts) and by the gateway listener (lib/gateway/api-server.ts).
 */
import "server-only";
import { z } from "zod";
import { json } from "../auth/guards";
import { tokenRoute } from "../auth/token-route";
import { now } from "../clock";
import { db } from "../db";
import { budgetCheck } from "./budget-check";

const query = z.object({
  member: z.string().trim().min(1, "member is required (email, provider user id or API key id)").max(320),
  product: z.string().trim().max(40).regex(/^[a-z0-9_.-]*$/).default(""),
});

export const budgetCheckRoute = tokenRoute("budget:check", async (req, { token }) => {
  const url = new URL(req.url);
  const q = query.parse({ member: url.searchParams.get("member") ?? "", product: url.searchParams.get("product") ?? undefined });
  return json(await budgetCheck(db(), token.workspaceId, q.member, q.product, now(), token.version));
});
