"use client";

import { signOut } from "next-auth/react";
import { useState } from "react";

import { fetchJson } from "@/lib/client/fetch-json";

/**
 * Ends Allotment's session on the server (next-auth's signOut → events.signOut revokes the
 * AuthSession row), then — after a single sign-on — sends the browser to the provider's
 * logout (RP-initiated logout), which comes back to /signin. The provider's address is asked
 * for first, while the session that holds the ID token still exists.
 */
export function SignOutButton() {
  const [pending, setPending] = useState(false);
  async function signOutEverywhere() {
    setPending(true);
    const provider = await fetchJson<{ url: string | null }>("/api/session/provider-sign-out").then(
      (r) => r.url,
      () => null,
    );
    try {
      await signOut({ redirect: false });
    } catch {
      // the session cookie may already be gone; the provider's logout still applies
    }
    window.location.assign(provider ?? "/signin");
  }
  return (
    <button
      type="button"
      disabled={pending}
      onClick={() => void signOutEverywhere()}
      className="mt-3 block text-xs text-slate-600 hover:text-slate-900 hover:underline disabled:opacity-60"
    >
      {pending ? "Signing out…" : "Sign out"}
    </button>
  );
}
