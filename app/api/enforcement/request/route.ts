import { json, sessionRoute } from "@/lib/auth/guards";
import { fileChatgptRequest } from "@/lib/enforce/chatgpt-request";
import { readJsonBody } from "@/lib/http/read-json";
import { fileRequestSchema } from "@/lib/requests/request-input";
import { now } from "@/lib/server/clock";
import { dbReady } from "@/lib/server/db";

export const POST = sessionRoute(["requests:create"], async (req, { actor }) => {
  const input = await readJsonBody(req, fileRequestSchema);
  return json(await fileChatgptRequest(await dbReady(), actor, input, now()), { status: 201 });
});
