import { json, sessionRoute } from "@/lib/auth/guards";
import { db } from "@/lib/db";
import { createPolicySchema } from "@/lib/limits/policy-input";
import { createPolicy } from "@/lib/limits/write-policy";

// the level's own permission (workspace default: owner) is re-checked in lib/limits/write-policy
export const POST = sessionRoute(["limits:write", "limits:write:workspace"], async (req, { actor }) => {
  const input = createPolicySchema.parse(await req.json());
  const p = await createPolicy(db(), actor, input);
  return json({ id: p.id, version: p.version }, { status: 201 });
});
