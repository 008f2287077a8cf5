import { json } from "@/lib/auth/guards";
import { tokenRoute } from "@/lib/auth/token-route";
import { todayIn } from "@/lib/core/period";
import { costPage, costQuerySchema } from "@/lib/exports/cost-api";
import { now } from "@/lib/server/clock";
import { db } from "@/lib/server/db";

export const GET = tokenRoute("costs:read", async (req, { token }) => {
  const query = costQuerySchema.parse(Object.fromEntries(new URL(req.url).searchParams.entries()));
  const ws = await db().workspace.findUniqueOrThrow({
    where: { id: token.workspaceId },
    select: { timezone: true },
  });
  return json(await costPage(db(), token.workspaceId, query, todayIn(ws.timezone, now())));
});
