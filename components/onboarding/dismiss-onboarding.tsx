"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";

import { fetchJson } from "@/lib/client/fetch-json";

/** Puts the checklist away from Overview (Settings → Getting started keeps it), or brings it back. */
export function DismissOnboarding({ dismissed }: { dismissed: boolean }) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [error, setError] = useState<string | null>(null);
  return (
    <span className="flex items-center gap-2">
      <button
        type="button"
        disabled={pending}
        onClick={() =>
          start(async () => {
            try {
              await fetchJson("/api/onboarding", {
                method: "PATCH",
                body: JSON.stringify({ dismissed: !dismissed }),
              });
              setError(null);
            } catch (e) {
              setError(e instanceof Error ? e.message : "Failed");
            }
            router.refresh();
          })
        }
        className="rounded-md border border-slate-300 px-2.5 py-1 text-xs text-slate-700 hover:bg-slate-50 disabled:opacity-50"
      >
        {dismissed ? "Show on Overview" : "Hide from Overview"}
      </button>
      {error && (
        <span role="alert" className="text-xs text-red-700">
          {error}
        </span>
      )}
    </span>
  );
}
