import { Link } from "@/components/ui/link";

import { DismissOnboarding } from "./dismiss-onboarding";

/** The shape lib/onboarding/checklist.ts computes (repeated here: components import no server module). */
export interface ChecklistStep {
  id: string;
  title: string;
  detail: string;
  done: boolean;
  href: string;
  action: string;
}

/**
 * The getting-started checklist: every step with its state and a link to where it is done.
 * On Overview it is a card that can be put away; on Settings → Getting started it stays.
 */
export function OnboardingChecklist({
  steps,
  dismissable = false,
  dismissed = false,
}: {
  steps: ChecklistStep[];
  dismissable?: boolean;
  dismissed?: boolean;
}) {
  const done = steps.filter((s) => s.done).length;
  const next = steps.find((s) => !s.done);
  return (
    <section
      aria-labelledby="onboarding-title"
      className="border-brand-200 rounded-xl border bg-white p-5 shadow-sm"
      data-testid="onboarding"
    >
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <h2 id="onboarding-title" className="text-base font-semibold">
            Get your workspace ready
          </h2>
          <p className="mt-0.5 text-sm text-slate-600" data-testid="onboarding-progress">
            {done} of {steps.length} steps done
            {next ? ` · next: ${next.title.toLowerCase()}` : " · all set"}
          </p>
        </div>
        <div className="flex items-center gap-3">
          <div
            className="h-2 w-32 overflow-hidden rounded-full bg-slate-100"
            role="progressbar"
            aria-label="Setup progress"
            aria-valuemin={0}
            aria-valuemax={steps.length}
            aria-valuenow={done}
          >
            <div
              className="h-full rounded-full bg-brand-600"
              style={{ width: `${(done / steps.length) * 100}%` }}
            />
          </div>
          {(dismissable || dismissed) && <DismissOnboarding dismissed={dismissed} />}
        </div>
      </div>
      <ol className="mt-4 grid gap-2 md:grid-cols-2 xl:grid-cols-3">
        {steps.map((s, i) => (
          <li
            key={s.id}
            className={`flex gap-3 rounded-lg border p-3 ${s.done ? "border-slate-200 bg-slate-50" : "border-slate-200"}`}
            data-testid={`onboarding-step-${s.id}`}
            data-done={s.done}
          >
            <span
              aria-hidden="true"
              className={`mt-0.5 flex h-6 w-6 shrink-0 items-center justify-center rounded-full text-xs font-semibold ${s.done ? "bg-emerald-600 text-white" : "border border-slate-300 text-slate-600"}`}
            >
              {s.done ? "✓" : i + 1}
            </span>
            <div className="min-w-0">
              <p className="text-sm font-medium">
                {s.title}
                <span className="sr-only">{s.done ? " (done)" : " (to do)"}</span>
              </p>
              <p className="mt-0.5 text-xs text-slate-600">{s.detail}</p>
              {!s.done && (
                <Link
                  href={s.href}
                  className="mt-1.5 inline-block text-xs font-medium text-brand-700 hover:underline"
                >
                  {s.action} →
                </Link>
              )}
            </div>
          </li>
        ))}
      </ol>
    </section>
  );
}
