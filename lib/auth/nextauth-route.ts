/**
 * The /api/auth/* route handler: next-auth, run inside a sign-in request context
 * (lib/auth/oidc-context.ts). When the provider step failed, the failure is logged and recorded
 * (it names nobody, so it is a SignInAttempt row) and the person is sent to the error page for
 * that failure — /auth-error?error=cancelled|provider_unreachable|client_misconfigured|
 * security_check_failed|provider_error — instead of next-auth's generic one.
 */
import NextAuth from "next-auth";

import { db } from "../server/db";
import { CLIENT_ADDRESS_HEADER } from "./client-address";
import { logSignIn, recordUnmatchedAttempt } from "./oidc-audit";
import { oidcSettings } from "./oidc-config";
import { runAuthRequest, type AuthRequestContext } from "./oidc-context";
import { redirectToFailurePage } from "./oidc-redirect";
import { authOptions } from "./options";

type Ctx = { params: Promise<{ nextauth: string[] }> };

export async function nextAuthRoute(req: Request, ctx: Ctx): Promise<Response> {
  const context: AuthRequestContext = {
    clientAddress: req.headers.get(CLIENT_ADDRESS_HEADER) || "unknown",
    failure: null,
  };
  const params = await ctx.params;
  // Options are built per request so the validated environment is read at run time, not build time.
  const res = (await runAuthRequest(context, () =>
    NextAuth(req as never, { params } as never, authOptions()),
  )) as Response;
  const failure = context.failure;
  if (!failure) return res;
  const issuer = oidcSettings()?.issuer ?? "(single sign-on is off)";
  logSignIn({
    outcome: "refused",
    reason: failure.kind,
    detail: failure.detail,
    issuer,
    clientAddress: context.clientAddress,
  });
  try {
    await recordUnmatchedAttempt(db(), {
      reason: failure.kind,
      issuer,
      detail: failure.detail,
      clientAddress: context.clientAddress,
    });
  } catch (error) {
    console.error(
      `[auth] ${JSON.stringify({ event: "record_failed", error: error instanceof Error ? error.name : "unknown" })}`,
    );
  }
  return redirectToFailurePage(res, failure, req.url);
}
