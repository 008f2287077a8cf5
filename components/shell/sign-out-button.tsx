"use client";

import { signOut } from "next-auth/react";

export function SignOutButton() {
  return (
    <button type="button" onClick={() => void signOut({ callbackUrl: "/signin" })} className="mt-3 block text-xs text-slate-600 hover:text-slate-900 hover:underline">
      Sign out
    </button>
  );
}
