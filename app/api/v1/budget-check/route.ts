import { z } from "zod";
import { json } from "@/lib/auth/guards";
import { tokenRoute } from "@/lib/auth/token-route";
import { now } from "@/lib/clock";
import { db } from "@/lib/db";
import { budgetCheck } from "@/lib/limits/budget-check";

const query = z.object({
  member: z.string().trim().min(1, "member is required (email, provider user id or API key id)").max(320),
  product: z.string().trim().max(40).regex(/^[a-z0-9_.-]*$/).default(""),
});

export const dynamic = "force-dynamic";

export const GET = tokenRoute("budget:check", async (req, { token }) => {
  const url = new URL(req.url);
  const q = query.parse({ member: url.searchParams.get("member") ?? "", product: url.searchParams.get("product") ?? undefined });
  return json(await budgetCheck(db(), token.workspaceId, q.member, q.product, now(), token.version));
});
