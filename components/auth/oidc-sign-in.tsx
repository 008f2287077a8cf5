"use client";

import { signIn } from "next-auth/react";

export function OidcSignIn({ label, callbackUrl }: { label: string; callbackUrl: string }) {
  return (
    <button
      type="button"
      data-testid="oidc-signin"
      onClick={() => void signIn("oidc", { callbackUrl })}
      className="rounded-lg bg-brand-600 px-4 py-3 font-medium text-white hover:bg-brand-700"
    >
      Continue with {label}
    </button>
  );
}
