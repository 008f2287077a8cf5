/**
 * next-auth configuration: a demo Credentials provider (id `demo`, only in demo mode) and
 * OIDC (Okta / Entra ID / Google style) from the environment. Sessions are JWTs carrying
 * member, workspace and role; guards still reload the member on every request.
 */
import type { NextAuthOptions } from "next-auth";
import type { Provider } from "next-auth/providers/index";
import CredentialsProvider from "next-auth/providers/credentials";
import { z } from "zod";
import { db } from "../db";
import { authSecret, env } from "../env";
import { CLIENT_ADDRESS_HEADER } from "./client-address";
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
  }
}

const demoCredentials = z.object({ email: z.email().max(320) });

async function memberByEmail(email: string) {
  return db().member.findFirst({
    where: { email: email.toLowerCase(), active: true },
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
          const accountKey = parsed.success ? `signin:email:${parsed.data.email.toLowerCase()}` : null;
          // only failures count: a refused address or account waits out the window
          if ((await isThrottled(db(), addressKey, max * 10, windowMs)) || (accountKey && (await isThrottled(db(), accountKey, max, windowMs)))) {
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
  if (e.OIDC_ISSUER && e.OIDC_CLIENT_ID && e.OIDC_CLIENT_SECRET) {
    const issuer = e.OIDC_ISSUER.replace(/\/$/, "");
    providers.push({
      id: "oidc",
      name: e.OIDC_DISPLAY_NAME,
      type: "oauth",
      wellKnown: `${issuer}/.well-known/openid-configuration`,
      clientId: e.OIDC_CLIENT_ID,
      clientSecret: e.OIDC_CLIENT_SECRET,
      authorization: { params: { scope: "openid email profile" } },
      idToken: true,
      checks: ["pkce", "state"],
      profile(profile: { sub: string; email?: string; name?: string }) {
        return { id: profile.sub, email: profile.email ?? null, name: profile.name ?? profile.email ?? null };
      },
    });
  }
  return {
    secret: authSecret(),
    session: { strategy: "jwt", maxAge: e.ALLOTMENT_SESSION_MAX_AGE_HOURS * 3600 },
    jwt: { maxAge: e.ALLOTMENT_SESSION_MAX_AGE_HOURS * 3600 },
    useSecureCookies: (e.NEXTAUTH_URL ?? "").startsWith("https://"),
    pages: { signIn: "/signin", error: "/signin" },
    providers,
    callbacks: {
      async signIn({ user }) {
        // Nobody gets in (and nothing is created) unless they are a member of a workspace.
        if (!user.email || !(await memberByEmail(user.email))) return "/not-a-member";
        return true;
      },
      async jwt({ token, user }) {
        if (user?.email) {
          const member = await memberByEmail(user.email);
          if (member) {
            token.memberId = member.id;
            token.workspaceId = member.workspaceId;
            token.role = member.role;
            token.sessionId = await startSession(db(), member, e.ALLOTMENT_SESSION_MAX_AGE_HOURS * 3600);
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
