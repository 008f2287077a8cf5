/**
 * The guard for machine routes (/api/v1/*): a bearer API token → its workspace and scopes.
 * 401 without a valid token, 403 without the scope; the workspace always comes from the
 * token, never from the request. Other route handlers reuse this wrapper.
 */
import "server-only";

import type { AuditActor } from "../audit/audit";
import { db } from "../server/db";
import type { TokenScope } from "../tokens/scopes";
import { authenticateToken, tokenActorLabel, type TokenPrincipal } from "../tokens/tokens";
import { answerResponse, errorResponse, type JsonAnswer } from "./guards";

export type { TokenPrincipal };

type RouteContext = { params: Promise<Record<string, string | string[]>> };

/**
 * How a token shows up in the audit trail: it acts for the person who created it, so the
 * event records that person's member id and says which token ("token gateway-1 of owner@…").
 */
export function tokenAuditActor(token: TokenPrincipal): AuditActor {
  return { memberId: token.createdById, label: tokenActorLabel(token.name, token.createdByEmail) };
}

/** The one token check: the principal, or the refusal to send (401 / 403). */
export async function authorizeBearer(
  authorization: string | null,
  scope: TokenScope,
): Promise<{ token: TokenPrincipal } | { refusal: JsonAnswer }> {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
  const token = m ? await authenticateToken(db(), m[1]!) : null;
  if (!token)
    return {
      refusal: {
        status: 401,
        body: {
          error: "Missing, unknown or revoked API token (send Authorization: Bearer <token>)",
        },
        headers: { "www-authenticate": "Bearer" },
      },
    };
  if (!token.scopes.has(scope))
    return { refusal: { status: 403, body: { error: `This token lacks the ${scope} scope` } } };
  return { token };
}

export function tokenRoute(
  scope: TokenScope,
  handler: (
    req: Request,
    ctx: { token: TokenPrincipal; params: Record<string, string | string[]> },
  ) => Promise<Response>,
) {
  return async (req: Request, context: RouteContext): Promise<Response> => {
    try {
      const auth = await authorizeBearer(req.headers.get("authorization"), scope);
      if ("refusal" in auth) return answerResponse(auth.refusal);
      return await handler(req, { token: auth.token, params: (await context.params) ?? {} });
    } catch (error) {
      return errorResponse(error);
    }
  };
}
