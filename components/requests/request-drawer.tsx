"use client";

import { useEffect, useRef, useState, useSyncExternalStore } from "react";

import { RequestForm } from "./request-form";

function subscribeHash(onChange: () => void) {
  window.addEventListener("hashchange", onChange);
  return () => window.removeEventListener("hashchange", onChange);
}
const readHash = () => window.location.hash === "#request-form";

/**
 * "Request more" as a button that opens the request form in a side drawer (a modal <dialog>:
 * focus moves in, Escape closes). The trigger is a link to /requests#request-form, so it
 * works before the page's script has loaded; once loaded it opens the drawer in place. The
 * form is mounted only while open, so several triggers on one page never repeat its ids.
 * `openOnHash` opens it when the page is reached through that link. `blocked` says why a
 * request cannot help (nothing to raise) in place of the form.
 */
export function RequestDrawer({
  label,
  periodEnd,
  unitLabel,
  initial,
  onSent,
  testId = "request-more",
  className,
  openOnHash = false,
  blocked,
}: {
  label: string;
  periodEnd: string;
  unitLabel: string;
  initial?: { amount?: string; reason?: string };
  onSent?: (r: { id: number; approvedBy?: string }) => void;
  testId?: string;
  className?: string;
  openOnHash?: boolean;
  /** why a request cannot help now (no personal limit to raise): shown instead of the form */
  blocked?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  // a link from another page (/requests#request-form) lands with the drawer open, until closed
  const onHash = useSyncExternalStore(subscribeHash, readHash, () => false);
  const [state, setState] = useState<"auto" | "open" | "closed">("auto");
  const open = state === "open" || (state === "auto" && openOnHash && onHash);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <>
      <a
        href="/requests#request-form"
        data-testid={testId}
        onClick={(e) => {
          e.preventDefault();
          setState("open");
        }}
        className={
          className ??
          "inline-block rounded-md bg-brand-600 px-3 py-2 text-sm font-medium whitespace-nowrap text-white hover:bg-brand-700"
        }
      >
        {label}
      </a>
      <dialog
        ref={ref}
        onClose={() => setState("closed")}
        aria-label="Ask for more"
        className="m-0 ml-auto h-full max-h-none w-full max-w-xl overflow-y-auto bg-white p-6 shadow-xl backdrop:bg-slate-900/40"
        data-testid="request-drawer"
      >
        {open && (
          <div className="flex flex-col gap-4">
            <div className="flex items-start justify-between gap-3">
              <div>
                <h2 className="text-lg font-semibold">Ask for more</h2>
                <p className="mt-1 text-sm text-slate-600">
                  Your manager or an admin decides; you are notified of the answer.
                </p>
              </div>
              <button
                type="button"
                onClick={() => setState("closed")}
                className="rounded-md border border-slate-300 px-2.5 py-1 text-sm text-slate-700 hover:bg-slate-50"
              >
                Close
              </button>
            </div>
            {blocked ? (
              <p
                className="rounded-md border border-slate-200 bg-slate-50 px-4 py-3 text-sm text-slate-700"
                data-testid="request-blocked"
              >
                {blocked}
              </p>
            ) : (
              <RequestForm
                periodEnd={periodEnd}
                unitLabel={unitLabel}
                initial={initial}
                onSent={onSent}
                stacked
              />
            )}
          </div>
        )}
      </dialog>
    </>
  );
}
