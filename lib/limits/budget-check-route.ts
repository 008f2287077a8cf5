/**
 * GET /api/v1/budget-check — one answer function, mounted by the Next route
 * (app/api/v1/budget-check/route.ts) and by the gateway listener (lib/gateway/api-server.ts),
 * which writes the answer without building web Request/Response objects.
 */
import "server-only";

import { z } from "zod";

import { answerResponse, errorAnswer, type JsonAnswer } from "../auth/guards";
import { authorizeBearer } from "../auth/token-route";
import { now } from "../server/clock";
import { db } from "../server/db";
import { budgetCheck } from "./budget-check";

const query = z.object({
  member: z
    .string()
    .trim()
    .min(1, "member is required (email, provider user id or API key id)")
    .max(320),
  product: z
    .string()
    .trim()
    .max(40)
    .regex(/^[a-z0-9_.-]*$/)
    .default(""),
});

export async function answerBudgetCheck(
  authorization: string | null,
  params: URLSearchParams,
): Promise<JsonAnswer> {
  try {
    const auth = await authorizeBearer(authorization, "budget:check");
    if ("refusal" in auth) return auth.refusal;
    const q = query.parse({
      member: params.get("member") ?? "",
      product: params.get("product") ?? undefined,
    });
    return {
      status: 200,
      body: await budgetCheck(
        db(),
        auth.token.workspaceId,
        q.member,
        q.product,
        now(),
        auth.token.version,
      ),
    };
  } catch (error) {
    return errorAnswer(error);
  }
}

export async function budgetCheckRoute(req: Request): Promise<Response> {
  return answerResponse(
    await answerBudgetCheck(req.headers.get("authorization"), new URL(req.url).searchParams),
  );
}
