import { json, sessionRoute } from "@/lib/auth/guards";
import { db } from "@/lib/db";
import { readJsonBody } from "@/lib/http/read-json";
import { createPolicySchema } from "@/lib/limits/policy-input";
import { createPolicy } from "@/lib/limits/write-policy";

// the level's own permission (workspace default: owner) is re-checked in lib/limits/write-policy
export const POST = sessionRoute(
  ["limits:write", "limits:write:workspace"],
  async (req, { actor }) => {
    const input = await readJsonBody(req, createPolicySchema);
    const p = await createPolicy(db(), actor, input);
    return json({ id: p.id, version: p.version }, { status: 201 });
  },
);
