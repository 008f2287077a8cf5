/**
 * Asked by the sign-out button (GET /api/session/provider-sign-out) before it ends the session: where the browser goes to sign out
 * of the provider too (lib/auth/oidc-logout.ts), or null when there is nowhere (no single
 * sign-on, a demo sign-in, no end_session_endpoint). The ID token lives only in the encrypted
 * session cookie, so it is read here, on the server.
 */
import { getToken } from "next-auth/jwt";

import { authSecret, env } from "../server/env";
import { logAuthProblem } from "./oidc-audit";
import { oidcSettings } from "./oidc-config";
import { discoveryFor } from "./oidc-discovery";
import { endSessionUrl, postLogoutRedirectUri } from "./oidc-logout";

export async function providerSignOutUrl(request: Request): Promise<string | null> {
  const sso = oidcSettings();
  if (!sso) return null;
  const e = env();
  const h = request.headers;
  const cookies = Object.fromEntries(
    (h.get("cookie") ?? "")
      .split(";")
      .map((c) => c.trim())
      .filter(Boolean)
      .map((c) => {
        const at = c.indexOf("=");
        return at < 0 ? [c, ""] : [c.slice(0, at), decodeURIComponent(c.slice(at + 1))];
      }),
  );
  const req = { headers: Object.fromEntries(h), cookies };
  const token = await getToken({
    req: req as never,
    secret: authSecret(),
    secureCookie: (e.NEXTAUTH_URL ?? "").startsWith("https://"),
  });
  if (!token?.idToken) return null;
  const document = await discoveryFor(sso);
  if (!document?.end_session_endpoint) {
    if (!document) logAuthProblem("logout_discovery_unreachable", { issuer: sso.issuer });
    return null;
  }
  // outside demo mode NEXTAUTH_URL is the only origin (start-up requires it)
  const origin = e.NEXTAUTH_URL
    ? new URL(e.NEXTAUTH_URL).origin
    : `http://${h.get("host") ?? "localhost"}`;
  return endSessionUrl(document.end_session_endpoint, {
    idToken: token.idToken,
    postLogoutRedirectUri: postLogoutRedirectUri(origin),
    clientId: sso.clientId,
  });
}
