import { json, sessionRoute } from "@/lib/auth/guards";
import { testConnectionDraft, testDraftSchema } from "@/lib/connections/test-draft";
import { readJsonBody } from "@/lib/http/read-json";
import { db } from "@/lib/server/db";

/** Tests a provider key typed in the add-connection form before it is saved; stores nothing. */
export const POST = sessionRoute(["connections:manage"], async (req, { actor }) => {
  const data = await readJsonBody(req, testDraftSchema);
  return json(await testConnectionDraft(db(), actor.workspaceId, data));
});
