import { loadRuleSettings, ruleFormOf, ruleUpdateSchema } from "@/lib/alerts/rules";
import { updateRules } from "@/lib/alerts/update-rules";
import { json, sessionRoute } from "@/lib/auth/guards";
import { db } from "@/lib/db";
import { readJsonBody } from "@/lib/http/read-json";

export const GET = sessionRoute(["alerts:read"], async (_req, { actor }) =>
  json(ruleFormOf(await loadRuleSettings(db(), actor.workspaceId))),
);

export const PUT = sessionRoute(["alerts:manage"], async (req, { actor }) =>
  json(await updateRules(db(), actor, await readJsonBody(req, ruleUpdateSchema))),
);
