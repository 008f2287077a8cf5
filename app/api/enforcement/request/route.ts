import { json, sessionRoute } from "@/lib/auth/guards";
import { now } from "@/lib/clock";
import { dbReady } from "@/lib/db";
import { fileChatgptRequest } from "@/lib/enforce/chatgpt-request";
import { readJsonBody } from "@/lib/http/read-json";
import { fileRequestSchema } from "@/lib/requests/request-input";

export const POST = sessionRoute(["requests:create"], async (req, { actor }) => {
  const input = await readJsonBody(req, fileRequestSchema);
  return json(await fileChatgptRequest(await dbReady(), actor, input, now()), { status: 201 });
});
