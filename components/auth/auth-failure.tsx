import { Link } from "@/components/ui/link";
import { AUTH_FAILURE_TEXT, type AuthFailureKind } from "@/lib/auth/oidc-errors";

/** One sign-in failure explained: what happened, what to do, and what an administrator should check. */
export function AuthFailure({ kind, detail }: { kind: AuthFailureKind; detail?: string | null }) {
  const text = AUTH_FAILURE_TEXT[kind];
  return (
    <main
      className="mx-auto flex min-h-screen max-w-xl flex-col justify-center gap-5 p-6"
      data-testid="auth-error"
      data-kind={kind}
    >
      <div>
        <p className="text-sm font-semibold tracking-wide text-brand-600">Allotment · Sign-in</p>
        <h1 className="mt-1 text-2xl font-semibold" data-testid="auth-error-title">
          {text.title}
        </h1>
        <p className="mt-3 text-slate-700">{text.body}</p>
      </div>
      <section
        className="rounded-lg border border-slate-200 bg-slate-50 px-4 py-3 text-sm text-slate-700"
        aria-labelledby="for-admin"
      >
        <h2 id="for-admin" className="font-medium text-slate-900">
          For your administrator
        </h2>
        <p className="mt-1">{text.admin}</p>
        <p className="mt-2 text-xs text-slate-500">
          Reason: <code className="rounded bg-white px-1 py-0.5 ring-1 ring-slate-200">{kind}</code>
          {detail ? (
            <>
              {" "}
              · <code className="rounded bg-white px-1 py-0.5 ring-1 ring-slate-200">{detail}</code>
            </>
          ) : null}{" "}
          · the attempt is on the Audit page and in the server log.
        </p>
      </section>
      <div>
        <Link
          href="/signin"
          className="inline-block rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700"
        >
          Back to sign in
        </Link>
      </div>
    </main>
  );
}
