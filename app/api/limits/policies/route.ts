import { json, sessionRoute } from "@/lib/auth/guards";
import { readJsonBody } from "@/lib/http/read-json";
import { createPolicySchema } from "@/lib/limits/policy-input";
import { createPolicy } from "@/lib/limits/write-policy";
import { requireKnownProducts } from "@/lib/products/load-known-products";
import { db } from "@/lib/server/db";

// the level's own permission (workspace default: owner) is re-checked in lib/limits/write-policy
export const POST = sessionRoute(
  ["limits:write", "limits:write:workspace"],
  async (req, { actor }) => {
    const input = await readJsonBody(req, createPolicySchema);
    await requireKnownProducts(db(), actor.workspaceId, [
      { path: ["product"], value: input.product },
    ]);
    const p = await createPolicy(db(), actor, input);
    return json({ id: p.id, version: p.version }, { status: 201 });
  },
);
