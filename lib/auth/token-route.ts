/**
 * The guard for machine routes (/api/v1/*): a bearer API token → its workspace and scopes.
 * 401 without a valid token, 403 without the scope; the workspace always comes from the
 * token, never from the request. Other route handlers reuse this wrapper.
 */
import "server-only";
import { db } from "../db";
import { authenticateToken, type TokenPrincipal } from "../tokens/tokens";
import type { TokenScope } from "../tokens/scopes";
import { errorResponse, json } from "./guards";
import type { AuditActor } from "../audit";

export type { TokenPrincipal };

type RouteContext = { params: Promise<Record<string, string | string[]>> };

export function bearerOf(req: Request): string | null {
  const header = req.headers.get("authorization") ?? "";
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m ? m[1]! : null;
}

/** How a token shows up in the audit trail. */
export function tokenAuditActor(token: TokenPrincipal): AuditActor {
  return { memberId: null, label: `token:${token.name}` };
}

export function tokenRoute(
  scope: TokenScope,
  handler: (req: Request, ctx: { token: TokenPrincipal; params: Record<string, string | string[]> }) => Promise<Response>,
) {
  return async (req: Request, context: RouteContext): Promise<Response> => {
    try {
      const bearer = bearerOf(req);
      const token = bearer ? await authenticateToken(db(), bearer) : null;
      if (!token) return json({ error: "Missing, unknown or revoked API token (send Authorization: Bearer <token>)" }, { status: 401, headers: { "www-authenticate": "Bearer" } });
      if (!token.scopes.has(scope)) return json({ error: `This token lacks the ${scope} scope` }, { status: 403 });
      return await handler(req, { token, params: (await context.params) ?? {} });
    } catch (error) {
      return errorResponse(error);
    }
  };
}
