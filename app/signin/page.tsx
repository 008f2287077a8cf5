import type { Metadata } from "next";

import { DemoSignIn } from "@/components/auth/demo-sign-in";
import { OidcSignIn } from "@/components/auth/oidc-sign-in";
import { AUTH_FAILURE_TEXT, isAuthFailureKind } from "@/lib/auth/oidc-errors";
import { DEMO_ACCOUNTS } from "@/lib/demo/accounts";
import { env } from "@/lib/server/env";

export const metadata: Metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

const ERRORS: Record<string, string> = {
  CredentialsSignin: "That email is not a member of any workspace.",
  TooManyAttempts: "Too many sign-in attempts. Wait a few minutes and try again.",
  AccessDenied: "You are not a member of any Allotment workspace.",
};

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const e = env();
  const params = await searchParams;
  const code = typeof params.error === "string" ? params.error : null;
  // single sign-on failures have their own page (app/auth-error); one that lands here still gets its words
  const error =
    code === null
      ? null
      : Object.hasOwn(ERRORS, code)
        ? ERRORS[code]
        : isAuthFailureKind(code)
          ? `${AUTH_FAILURE_TEXT[code].title}. ${AUTH_FAILURE_TEXT[code].body}`
          : "Sign-in failed. Try again.";
  const callbackUrl =
    typeof params.callbackUrl === "string" && params.callbackUrl.startsWith("/")
      ? params.callbackUrl
      : "/"; // each role's landing page (app/page.tsx)
  return (
    <main className="mx-auto flex min-h-screen max-w-2xl flex-col justify-center gap-6 p-6">
      <div>
        <p className="text-sm font-semibold tracking-wide text-brand-600">Allotment</p>
        <h1 className="mt-1 text-3xl font-semibold">Sign in</h1>
        <p className="mt-2 text-slate-600">
          See and govern what your teams spend on AI coding agents.
        </p>
      </div>
      {error && (
        <p
          className="rounded-md border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-800"
          data-testid="signin-error"
        >
          {error}
        </p>
      )}
      {e.OIDC_ISSUER && <OidcSignIn label={e.OIDC_DISPLAY_NAME} callbackUrl={callbackUrl} />}
      {e.ALLOTMENT_DEMO_MODE ? (
        <DemoSignIn accounts={DEMO_ACCOUNTS} callbackUrl={callbackUrl} />
      ) : (
        !e.OIDC_ISSUER && (
          <p className="text-slate-600">
            No sign-in method is configured. Set OIDC_* in the environment.
          </p>
        )
      )}
    </main>
  );
}
