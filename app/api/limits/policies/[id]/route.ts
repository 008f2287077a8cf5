import { z } from "zod";

import { json, sessionRoute } from "@/lib/auth/guards";
import { readJsonBody, readNoBody } from "@/lib/http/read-json";
import { deletePolicySchema, updatePolicySchema } from "@/lib/limits/policy-input";
import { deletePolicy, updatePolicy } from "@/lib/limits/write-policy";
import { db } from "@/lib/server/db";

const params = z.object({ id: z.string().min(1).max(64) });

export const PATCH = sessionRoute(["limits:write", "limits:write:workspace"], async (req, ctx) => {
  const { id } = params.parse(ctx.params);
  const p = await updatePolicy(db(), ctx.actor, id, await readJsonBody(req, updatePolicySchema));
  return json({ id: p.id, version: p.version });
});

export const DELETE = sessionRoute(["limits:write", "limits:write:workspace"], async (req, ctx) => {
  const { id } = params.parse(ctx.params);
  const { version } = deletePolicySchema.parse({
    version: new URL(req.url).searchParams.get("version"),
  });
  await readNoBody(req);
  await deletePolicy(db(), ctx.actor, id, version);
  return json({ ok: true });
});
