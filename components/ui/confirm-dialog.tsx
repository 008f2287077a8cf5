"use client";

import { useId, useRef, useState } from "react";

import { buttonClass } from "@/components/ui/button";

/**
 * A button that asks before it acts: a modal dialog (the native <dialog>: focus stays inside,
 * Escape cancels, focus returns to the button) that names the object and what will happen.
 * The action's error shows in the dialog, which then stays open.
 */
export function ConfirmButton({
  children,
  title,
  body,
  confirmLabel,
  onConfirm,
  className,
  disabled,
  tone = "danger",
}: {
  children: React.ReactNode;
  title: string;
  body: React.ReactNode;
  confirmLabel: string;
  onConfirm: () => Promise<unknown>;
  className?: string;
  disabled?: boolean;
  tone?: "danger" | "neutral";
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const bodyId = useId();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const confirm = async () => {
    setPending(true);
    setError(null);
    try {
      await onConfirm();
      ref.current?.close();
    } catch (e) {
      setError(e instanceof Error ? e.message : "Failed");
    } finally {
      setPending(false);
    }
  };
  return (
    <>
      <button
        type="button"
        disabled={disabled}
        onClick={() => {
          setError(null);
          ref.current?.showModal();
        }}
        className={className}
      >
        {children}
      </button>
      <dialog
        ref={ref}
        aria-labelledby={titleId}
        aria-describedby={bodyId}
        className="m-auto w-[28rem] max-w-[calc(100vw-2rem)] rounded-xl border border-slate-200 p-0 shadow-xl backdrop:bg-slate-900/40"
      >
        <div className="p-5">
          <h2 id={titleId} className="text-base font-semibold text-slate-900">
            {title}
          </h2>
          <div id={bodyId} className="mt-2 text-sm text-slate-600">
            {body}
          </div>
          {error && (
            <p role="alert" className="mt-3 rounded bg-red-50 px-2 py-1.5 text-sm text-red-800">
              {error}
            </p>
          )}
          <div className="mt-5 flex justify-end gap-2">
            <button
              type="button"
              autoFocus
              onClick={() => ref.current?.close()}
              className={buttonClass("secondary")}
            >
              Cancel
            </button>
            <button
              type="button"
              disabled={pending}
              onClick={() => void confirm()}
              className={`rounded-md px-3 py-1.5 text-sm font-medium text-white disabled:opacity-50 ${tone === "danger" ? "bg-red-700 hover:bg-red-800" : "bg-brand-600 hover:bg-brand-700"}`}
            >
              {pending ? "Working…" : confirmLabel}
            </button>
          </div>
        </div>
      </dialog>
    </>
  );
}
