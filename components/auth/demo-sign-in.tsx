"use client";

import { signIn } from "next-auth/react";
import { useState } from "react";

interface DemoAccount {
  email: string;
  role: string;
  detail: string;
}

export function DemoSignIn({
  accounts,
  callbackUrl,
}: {
  accounts: DemoAccount[];
  callbackUrl: string;
}) {
  const [pending, setPending] = useState<string | null>(null);
  return (
    <section className="rounded-xl border border-amber-200 bg-white p-5 shadow-sm">
      <h2 className="font-medium">Demo mode</h2>
      <p className="mt-1 text-sm text-slate-600">
        One click per role. Demo data only — this is never enabled in production unless you turn it
        on.
      </p>
      <ul className="mt-4 grid gap-2 sm:grid-cols-2">
        {accounts.map((a) => (
          <li key={a.email}>
            <button
              type="button"
              data-testid={`demo-signin-${a.email}`}
              disabled={pending !== null}
              onClick={() => {
                setPending(a.email);
                void signIn("demo", { email: a.email, callbackUrl });
              }}
              className="w-full rounded-lg border border-slate-200 px-4 py-3 text-left transition hover:border-brand-500 hover:bg-brand-50 disabled:opacity-60"
            >
              <span className="block font-medium">Sign in as {a.role}</span>
              <span className="block text-xs text-slate-500">{a.email}</span>
              <span className="mt-1 block text-xs text-slate-600">
                {pending === a.email ? "Signing in…" : a.detail}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
