import type { Metadata } from "next";
import { redirect } from "next/navigation";

import { AuthFailure } from "@/components/auth/auth-failure";
import { isAuthFailureKind, safeDetail, type AuthFailureKind } from "@/lib/auth/oidc-errors";

export const metadata: Metadata = { title: "Sign-in problem" };
export const dynamic = "force-dynamic";

/**
 * next-auth's own codes, for failures that did not pass through the classifier
 * (lib/auth/nextauth-route.ts sends provider failures here with their own kind).
 */
const NEXTAUTH_CODES: Record<string, AuthFailureKind> = {
  AccessDenied: "not_a_member",
  OAuthSignin: "provider_unreachable",
  OAuthCallback: "provider_error",
  Callback: "provider_error",
  OAuthCreateAccount: "server_error",
  OAuthAccountNotLinked: "identity_conflict",
  Configuration: "server_error",
  Default: "provider_error",
};

/** Demo sign-in's errors belong on the sign-in page, next to the buttons. */
const SIGNIN_PAGE_CODES = new Set(["TooManyAttempts", "CredentialsSignin"]);

export default async function AuthErrorPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const code = typeof params.error === "string" ? params.error : "Default";
  if (SIGNIN_PAGE_CODES.has(code)) redirect(`/signin?error=${code}`);
  const kind: AuthFailureKind = isAuthFailureKind(code)
    ? code
    : (NEXTAUTH_CODES[code] ?? "provider_error");
  return <AuthFailure kind={kind} detail={safeDetail(params.detail)} />;
}
