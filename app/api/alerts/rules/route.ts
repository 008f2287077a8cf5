import { loadRuleSettings, ruleFormOf, ruleUpdateSchema } from "@/lib/alerts/rules";
import { updateRules } from "@/lib/alerts/update-rules";
import { json, sessionRoute } from "@/lib/auth/guards";
import { readJsonBody } from "@/lib/http/read-json";
import { db } from "@/lib/server/db";

export const GET = sessionRoute(["alerts:read"], async (_req, { actor }) =>
  json(ruleFormOf(await loadRuleSettings(db(), actor.workspaceId))),
);

export const PUT = sessionRoute(["alerts:manage"], async (req, { actor }) =>
  json(await updateRules(db(), actor, await readJsonBody(req, ruleUpdateSchema))),
);
