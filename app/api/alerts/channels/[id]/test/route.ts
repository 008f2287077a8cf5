import { json, sessionRoute } from "@/lib/auth/guards";
import { db } from "@/lib/db";
import { sendTest } from "@/lib/alerts/deliver";
import { NotFoundError } from "@/lib/errors";

export const POST = sessionRoute(["alerts:manage"], async (_req, { actor, params }) => {
  const result = await sendTest(db(), { id: actor.workspaceId, name: actor.workspaceName }, String(params.id));
  if (!result) throw new NotFoundError();
  return json({ ok: result.ok, attempts: result.attempts.length, error: result.ok ? null : (result.error ?? "failed") });
});
