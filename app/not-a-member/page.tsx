import Link from "next/link";

export const metadata = { title: "Not a member" };

export default function NotAMember() {
  return (
    <main className="mx-auto flex min-h-[60vh] max-w-lg flex-col items-center justify-center gap-3 p-8 text-center">
      <h1 className="text-2xl font-semibold">You are not a member of any workspace</h1>
      <p className="text-slate-600">
        You signed in successfully, but your email is not on any Allotment workspace, so nothing was created for you.
        Ask a workspace owner to add you, then sign in again.
      </p>
      <Link href="/signin" className="mt-4 text-sm font-medium text-brand-600 hover:underline">
        Back to sign in
      </Link>
    </main>
  );
}
