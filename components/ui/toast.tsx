"use client";

import { createContext, useCallback, useContext, useEffect, useRef, useState } from "react";

/** A short-lived message after an action; `undo` puts back what the action changed. */
export interface ToastInput {
  message: string;
  /** runs the reverse write (through the same audited route as the action) */
  undo?: () => Promise<unknown>;
  /** shown after a successful undo */
  undoneMessage?: string;
}

interface Toast extends ToastInput {
  id: number;
  state: "shown" | "undoing" | "undone" | "failed";
  error?: string;
}

const ToastContext = createContext<(t: ToastInput) => void>(() => {});

/** Show a toast: `const toast = useToast(); toast({ message: "Override removed", undo })`. */
export function useToast() {
  return useContext(ToastContext);
}

// long enough to read the message and reach the button by keyboard
const VISIBLE_MS = 12_000;

/**
 * The toasts' region, bottom right: a polite live region (screen readers hear the message),
 * each toast with its Undo button and a close button. A toast stays while the pointer or the
 * focus is on it. At most three at a time.
 */
export function ToastProvider({ children }: { children: React.ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const next = useRef(1);
  const show = useCallback((t: ToastInput) => {
    const id = next.current++;
    setToasts((list) => [...list.slice(-2), { ...t, id, state: "shown" }]);
  }, []);
  const update = (id: number, patch: Partial<Toast>) =>
    setToasts((list) => list.map((t) => (t.id === id ? { ...t, ...patch } : t)));
  const dismiss = useCallback(
    (id: number) => setToasts((list) => list.filter((t) => t.id !== id)),
    [],
  );
  return (
    <ToastContext.Provider value={show}>
      {children}
      <div
        role="status"
        aria-live="polite"
        aria-label="Notices"
        className="pointer-events-none fixed right-4 bottom-4 z-50 flex w-[24rem] max-w-[calc(100vw-2rem)] flex-col gap-2"
      >
        {toasts.map((t) => (
          <ToastItem
            key={t.id}
            toast={t}
            onDismiss={dismiss}
            onUndo={async () => {
              if (!t.undo) return;
              update(t.id, { state: "undoing" });
              try {
                await t.undo();
                update(t.id, { state: "undone" });
              } catch (e) {
                update(t.id, {
                  state: "failed",
                  error: e instanceof Error ? e.message : "Undo failed",
                });
              }
            }}
          />
        ))}
      </div>
    </ToastContext.Provider>
  );
}

function ToastItem({
  toast,
  onDismiss,
  onUndo,
}: {
  toast: Toast;
  onDismiss: (id: number) => void;
  onUndo: () => void;
}) {
  const [held, setHeld] = useState(false);
  useEffect(() => {
    if (held || toast.state === "undoing") return;
    const ms = toast.state === "failed" ? VISIBLE_MS * 2 : VISIBLE_MS;
    const timer = setTimeout(() => onDismiss(toast.id), ms);
    return () => clearTimeout(timer);
  }, [held, toast.state, toast.id, onDismiss]);
  const text =
    toast.state === "undone"
      ? (toast.undoneMessage ?? "Undone")
      : toast.state === "failed"
        ? `Could not undo: ${toast.error}`
        : toast.message;
  return (
    <div
      className={`pointer-events-auto flex items-center gap-3 rounded-lg px-4 py-3 text-sm shadow-lg ${toast.state === "failed" ? "bg-red-800 text-white" : "bg-slate-900 text-white"}`}
      data-testid="toast"
      onMouseEnter={() => setHeld(true)}
      onMouseLeave={() => setHeld(false)}
      onFocus={() => setHeld(true)}
      onBlur={() => setHeld(false)}
    >
      <span className="min-w-0 flex-1">{text}</span>
      {toast.undo && (toast.state === "shown" || toast.state === "undoing") && (
        <button
          type="button"
          onClick={onUndo}
          disabled={toast.state === "undoing"}
          className="rounded px-2 py-1 font-medium text-sky-200 underline hover:bg-white/10 disabled:opacity-60"
        >
          {toast.state === "undoing" ? "Undoing…" : "Undo"}
        </button>
      )}
      <button
        type="button"
        onClick={() => onDismiss(toast.id)}
        aria-label="Dismiss"
        className="rounded px-1.5 py-0.5 text-slate-300 hover:bg-white/10"
      >
        ✕
      </button>
    </div>
  );
}
