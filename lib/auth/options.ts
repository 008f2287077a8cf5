/**
 * next-auth configuration: a demo Credentials provider (id `demo`, only in demo mode) and
 * OpenID Connect single sign-on from the environment (lib/auth/oidc-provider.ts; who an SSO
 * sign-in becomes is decided in lib/auth/oidc-signin.ts). Sessions are JWTs carrying member,
 * workspace and role; guards still reload the member on every request.
 */
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import type { Provider } from "next-auth/providers/index";
import { z } from "zod";

import { db } from "../server/db";
import { authSecret, env } from "../server/env";
import { CLIENT_ADDRESS_HEADER } from "./client-address";
import { logAuthProblem } from "./oidc-audit";
import type { Claims } from "./oidc-claims";
import { oidcSettings } from "./oidc-config";
import { authLogger, currentAuthRequest } from "./oidc-context";
import { authErrorPath } from "./oidc-errors";
import { OIDC_PROVIDER_ID, oidcProvider } from "./oidc-provider";
import { memberForIdentity, resolveOidcSignIn } from "./oidc-signin";
import { revokeSession, startSession } from "./sessions";
import { isThrottled, recordFailure } from "./throttle";

declare module "next-auth" {
  interface Session {
    memberId?: string;
    workspaceId?: string;
    role?: string;
    /** the AuthSession row this cookie belongs to (lib/auth/sessions.ts) */
    sessionId?: string;
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    memberId?: string;
    workspaceId?: string;
    role?: string;
    sessionId?: string;
    /** the provider's ID token, for RP-initiated logout (id_token_hint); never sent to the browser's JS */
    idToken?: string;
  }
}

/** The user object of an SSO sign-in, as the signIn callback hands it to the jwt callback. */
interface SsoUser {
  allotmentMemberId?: string;
}

const demoCredentials = z.object({ email: z.email().max(320) });

async function memberByEmail(email: string) {
  return db().member.findFirst({
    where: { email: email.toLowerCase(), active: true, kind: "PERSON" },
    orderBy: { createdAt: "asc" },
    select: { id: true, email: true, name: true, workspaceId: true, role: true },
  });
}

/** Set by the server from the socket (instrumentation.ts), never taken from the client. */
function clientAddress(headers: Record<string, unknown> | undefined): string {
  const address = headers?.[CLIENT_ADDRESS_HEADER];
  return typeof address === "string" && address ? address : "unknown";
}

export function authOptions(): NextAuthOptions {
  const e = env();
  const providers: Provider[] = [];
  if (e.ALLOTMENT_DEMO_MODE) {
    providers.push(
      CredentialsProvider({
        id: "demo",
        name: "Demo",
        credentials: { email: { label: "Email", type: "email" } },
        async authorize(credentials, req) {
          const parsed = demoCredentials.safeParse(credentials ?? {});
          const windowMs = e.ALLOTMENT_SIGNIN_WINDOW_MINUTES * 60_000;
          const max = e.ALLOTMENT_SIGNIN_MAX_ATTEMPTS;
          const addressKey = `signin:ip:${clientAddress(req?.headers)}`;
          const accountKey = parsed.success
            ? `signin:email:${parsed.data.email.toLowerCase()}`
            : null;
          // only failures count: a refused address or account waits out the window
          if (
            (await isThrottled(db(), addressKey, max * 10, windowMs)) ||
            (accountKey && (await isThrottled(db(), accountKey, max, windowMs)))
          ) {
            throw new Error("TooManyAttempts");
          }
          const member = parsed.success ? await memberByEmail(parsed.data.email) : null;
          if (!member) {
            await recordFailure(db(), addressKey, windowMs);
            if (accountKey) await recordFailure(db(), accountKey, windowMs);
            return null;
          }
          return { id: member.id, email: member.email, name: member.name };
        },
      }),
    );
  }
  const sso = oidcSettings();
  if (sso) providers.push(oidcProvider(sso));
  return {
    secret: authSecret(),
    session: { strategy: "jwt", maxAge: e.ALLOTMENT_SESSION_MAX_AGE_HOURS * 3600 },
    jwt: { maxAge: e.ALLOTMENT_SESSION_MAX_AGE_HOURS * 3600 },
    useSecureCookies: (e.NEXTAUTH_URL ?? "").startsWith("https://"),
    pages: { signIn: "/signin", error: "/auth-error" },
    // prints error codes only (the default prints whole errors); provider failures go to the request's context
    logger: authLogger,
    providers,
    callbacks: {
      async signIn({ user, account, profile }) {
        if (account?.provider === OIDC_PROVIDER_ID) {
          if (!sso || !profile) return authErrorPath("server_error");
          const claims = profile as unknown as Claims;
          try {
            const result = await resolveOidcSignIn(db(), {
              issuer: String(claims.iss ?? sso.issuer),
              claims,
              clientAddress: currentAuthRequest()?.clientAddress ?? "unknown",
              settings: sso,
            });
            if (!result.ok) return authErrorPath(result.reason);
            (user as SsoUser).allotmentMemberId = result.member.id;
            return true;
          } catch (error) {
            logAuthProblem("signin_error", {
              error: error instanceof Error ? error.name : "unknown",
            });
            return authErrorPath("server_error");
          }
        }
        // Nobody gets in (and nothing is created) unless they are a member of a workspace.
        if (!user.email || !(await memberByEmail(user.email))) return "/not-a-member";
        return true;
      },
      async jwt({ token, user, account, profile }) {
        if (user && account?.provider === OIDC_PROVIDER_ID) {
          // the member the signIn callback chose (or, failing that, the one this identity is linked to)
          const chosen = (user as SsoUser).allotmentMemberId;
          const claims = (profile ?? {}) as Claims;
          const member = chosen
            ? await db().member.findFirst({
                where: { id: chosen, active: true },
                select: { id: true, workspaceId: true, role: true },
              })
            : sso && typeof claims.sub === "string"
              ? await memberForIdentity(db(), String(claims.iss ?? sso.issuer), claims.sub)
              : null;
          if (member) {
            token.memberId = member.id;
            token.workspaceId = member.workspaceId;
            token.role = member.role;
            token.sessionId = await startSession(
              db(),
              member,
              e.ALLOTMENT_SESSION_MAX_AGE_HOURS * 3600,
            );
            token.idToken = account.id_token;
          }
        } else if (user?.email) {
          const member = await memberByEmail(user.email);
          if (member) {
            token.memberId = member.id;
            token.workspaceId = member.workspaceId;
            token.role = member.role;
            token.sessionId = await startSession(
              db(),
              member,
              e.ALLOTMENT_SESSION_MAX_AGE_HOURS * 3600,
            );
          }
        }
        return token;
      },
      async session({ session, token }) {
        session.memberId = token.memberId;
        session.workspaceId = token.workspaceId;
        session.role = token.role;
        session.sessionId = token.sessionId;
        return session;
      },
    },
    events: {
      // sign-out ends the session on the server, not only the cookie in this browser
      async signOut({ token }) {
        if (token?.sessionId) await revokeSession(db(), token.sessionId);
      },
    },
  };
}
