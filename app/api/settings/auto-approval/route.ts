import { z } from "zod";

import { json, sessionRoute } from "@/lib/auth/guards";
import { readJsonBody } from "@/lib/http/read-json";
import { productFields, requireKnownProducts } from "@/lib/products/load-known-products";
import { createAutoPolicy, listAutoPolicies, updateAutoPolicy } from "@/lib/requests/auto-approve";
import { autoPolicySchema, autoPolicyUpdateSchema } from "@/lib/requests/auto-approve-rules";
import { now } from "@/lib/server/clock";
import { db } from "@/lib/server/db";

/** The owner's auto-approval policies, with the groups a policy may be scoped to. */
export const GET = sessionRoute(["requests:auto-approve"], async (_req, { actor }) => {
  const [policies, groups] = await Promise.all([
    listAutoPolicies(db(), actor),
    db().group.findMany({
      where: { workspaceId: actor.workspaceId },
      select: { id: true, name: true },
      orderBy: { name: "asc" },
    }),
  ]);
  return json({ policies, groups });
});

export const POST = sessionRoute(["requests:auto-approve"], async (req, { actor }) => {
  const input = await readJsonBody(req, autoPolicySchema);
  await requireKnownProducts(db(), actor.workspaceId, productFields(["products"], input.products));
  return json(await createAutoPolicy(db(), actor, input, now()), { status: 201 });
});

// the policy's id travels in the body (no dynamic segment): edit, or disable with enabled: false
const updateSchema = autoPolicyUpdateSchema.extend({ id: z.string().min(1).max(64) }).strict();

export const PATCH = sessionRoute(["requests:auto-approve"], async (req, { actor }) => {
  const { id, ...input } = await readJsonBody(req, updateSchema);
  await requireKnownProducts(db(), actor.workspaceId, productFields(["products"], input.products));
  return json(await updateAutoPolicy(db(), actor, id, input));
});
