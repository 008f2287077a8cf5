import { z } from "zod";

import { sendTest } from "@/lib/alerts/deliver";
import { json, sessionRoute } from "@/lib/auth/guards";
import { NotFoundError } from "@/lib/core/errors";
import { readNoBody } from "@/lib/http/read-json";
import { db } from "@/lib/server/db";

const params = z.object({ id: z.string().min(1).max(64) });

export const POST = sessionRoute(["alerts:manage"], async (req, ctx) => {
  const { id } = params.parse(ctx.params);
  await readNoBody(req);
  const result = await sendTest(
    db(),
    { id: ctx.actor.workspaceId, name: ctx.actor.workspaceName },
    id,
  );
  if (!result) throw new NotFoundError();
  return json({
    ok: result.ok,
    attempts: result.attempts.length,
    error: result.ok ? null : (result.error ?? "failed"),
  });
});
