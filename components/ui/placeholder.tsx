export function ScreenHeader({ title, subtitle }: { title: string; subtitle?: string }) {
  return (
    <div className="mb-6">
      <h1 className="text-2xl font-semibold">{title}</h1>
      {subtitle && <p className="mt-1 text-sm text-slate-600">{subtitle}</p>}
    </div>
  );
}

/** A screen that a later release fills in: says honestly what it will hold. */
export function ComingSoon({ title, what }: { title: string; what: string }) {
  return (
    <div>
      <ScreenHeader title={title} />
      <div className="rounded-xl border border-dashed border-slate-300 bg-white p-8 text-sm text-slate-600">
        {what}
      </div>
    </div>
  );
}
