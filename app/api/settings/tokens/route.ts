import { z } from "zod";

import { json, sessionRoute } from "@/lib/auth/guards";
import { readJsonBody } from "@/lib/http/read-json";
import { db } from "@/lib/server/db";
import { TOKEN_SCOPES } from "@/lib/tokens/scopes";
import { createToken } from "@/lib/tokens/tokens";

const createTokenSchema = z.object({
  name: z.string().trim().min(2, "Name the token (e.g. the gateway that uses it)").max(80),
  scopes: z
    .array(z.enum(TOKEN_SCOPES))
    .min(1, "Pick at least one scope")
    .max(TOKEN_SCOPES.length * 2),
});

/** Creates an API token; the answer is the only time the token itself is shown. */
export const POST = sessionRoute(["tokens:manage"], async (req, { actor }) => {
  const data = await readJsonBody(req, createTokenSchema);
  const { token } = await createToken(db(), actor, data);
  return json({ token }, { status: 201 });
});
