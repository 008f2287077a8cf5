import { json } from "@/lib/auth/guards";
import { tokenRoute } from "@/lib/auth/token-route";
import { now } from "@/lib/clock";
import { todayIn } from "@/lib/core/period";
import { db } from "@/lib/db";
import { costPage, costQuerySchema } from "@/lib/exports/cost-api";

export const GET = tokenRoute("costs:read", async (req, { token }) => {
  const query = costQuerySchema.parse(Object.fromEntries(new URL(req.url).searchParams.entries()));
  const ws = await db().workspace.findUniqueOrThrow({
    where: { id: token.workspaceId },
    select: { timezone: true },
  });
  return json(await costPage(db(), token.workspaceId, query, todayIn(ws.timezone, now())));
});
