import { Link } from "@/components/ui/link";

export function StatusPage({
  code,
  title,
  detail,
}: {
  code: string;
  title: string;
  detail: string;
}) {
  return (
    <main className="mx-auto flex min-h-[60vh] max-w-lg flex-col items-center justify-center gap-3 p-8 text-center">
      <p className="text-sm font-semibold tracking-widest text-brand-600">{code}</p>
      <h1 className="text-2xl font-semibold">{title}</h1>
      <p className="text-slate-600">{detail}</p>
      <Link
        href="/"
        className="mt-4 rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700"
      >
        Back to the dashboard
      </Link>
    </main>
  );
}
