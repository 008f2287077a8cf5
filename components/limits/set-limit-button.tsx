"use client";

import { useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useId, useRef, useState } from "react";

import { limitPolicyLine } from "@/components/members/limit-state";
import { ErrorNote, Skeleton } from "@/components/ui/card";
import { fetchJson } from "@/lib/client/fetch-json";
import { queryKeys } from "@/lib/client/query-keys";
import type { Serialized } from "@/lib/core/serialize";
import type { LimitTarget, LimitTargetView } from "@/lib/limits/limits-screen";

import { PolicyEditor } from "./policy-editor";

type View = Serialized<LimitTargetView>;

function targetQuery(target: LimitTarget): string {
  return "memberId" in target
    ? `memberId=${encodeURIComponent(target.memberId)}`
    : `groupId=${encodeURIComponent(target.groupId)}`;
}

/**
 * "Set limit" where a person or a group is shown (member and group pages, Usage rows, top
 * spenders, alerts): the Limits screen's editor in a dialog, on the target's own policy
 * (its override, or the group's limit), saved through the same audited route. Render it only
 * for people the permission table lets change limits (`limits:write`); the server checks again.
 */
export function SetLimitButton({
  target,
  name,
  label,
  className,
}: {
  target: LimitTarget;
  /** the person's or group's name, for the button's accessible name */
  name: string;
  label?: string;
  className?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const [open, setOpen] = useState(false);
  const router = useRouter();
  const member = "memberId" in target;
  const text = label ?? (member ? "Set limit" : "Set group limit");
  return (
    <>
      <button
        type="button"
        onClick={() => {
          setOpen(true);
          ref.current?.showModal();
        }}
        aria-label={`${text} for ${name}`}
        data-testid="set-limit"
        className={
          className ??
          "border-brand-200 rounded-md border px-2 py-1 text-xs font-medium whitespace-nowrap text-brand-700 hover:bg-brand-50"
        }
      >
        {text}
      </button>
      <dialog
        ref={ref}
        aria-labelledby={titleId}
        onClose={() => setOpen(false)}
        data-testid="limit-dialog"
        className="m-auto w-[60rem] max-w-[calc(100vw-2rem)] rounded-xl border border-slate-200 p-0 text-left shadow-xl backdrop:bg-slate-900/40"
      >
        <div className="flex flex-col gap-3 p-5">
          <div className="flex items-start justify-between gap-3">
            <h2 id={titleId} className="text-base font-semibold text-slate-900">
              {member ? "Limit for" : "Group limit for"} {name}
            </h2>
            <button
              type="button"
              onClick={() => ref.current?.close()}
              className="rounded-md px-2 py-1 text-sm text-slate-600 hover:bg-slate-100"
              aria-label="Close"
            >
              ✕
            </button>
          </div>
          {open && (
            <TargetEditor
              target={target}
              onDone={() => ref.current?.close()}
              onSaved={() => router.refresh()}
            />
          )}
        </div>
      </dialog>
    </>
  );
}

function TargetEditor({
  target,
  onDone,
  onSaved,
}: {
  target: LimitTarget;
  onDone: () => void;
  onSaved: () => void;
}) {
  const search = targetQuery(target);
  const query = useQuery({
    queryKey: [...queryKeys.limits(), "target", search],
    queryFn: () => fetchJson<View>(`/api/limits/target?${search}`),
  });
  if (query.isPending) return <Skeleton className="h-48" />;
  if (query.isError)
    return (
      <ErrorNote
        message={`Could not load the limit: ${query.error.message}`}
        onRetry={() => void query.refetch()}
      />
    );
  const v = query.data;
  const unitLabel = v.unit === "USD" ? "USD" : "credits";
  return (
    <>
      {v.effective && (
        <p className="text-sm text-slate-600" data-testid="limit-dialog-now">
          Now: {limitPolicyLine(v.effective)}
          <span className="block text-xs text-slate-500">{v.effective.reason}</span>
        </p>
      )}
      {v.scope === "GROUP" && !v.policy && (
        <p className="text-sm text-slate-600">
          No limit on this group yet: its members follow their overrides or the workspace default.
        </p>
      )}
      {v.otherPolicies > 0 && (
        <p className="text-xs text-slate-500">
          {v.otherPolicies === 1 ? "One other limit" : `${v.otherPolicies} other limits`} on{" "}
          {v.scope === "MEMBER" ? "this person" : "this group"} (for one product, or granted by an
          approved request) {v.otherPolicies === 1 ? "stays" : "stay"} as{" "}
          {v.otherPolicies === 1 ? "it is" : "they are"}; they are listed on{" "}
          <a href="/limits" className="text-brand-700 underline">
            Limits
          </a>
          .
        </p>
      )}
      <PolicyEditor
        target={
          v.policy
            ? { mode: "edit", policy: v.policy }
            : { mode: "create", scope: v.scope, targetId: v.targetId, targetName: v.targetName }
        }
        unitLabel={unitLabel}
        onDone={onDone}
        onSaved={onSaved}
      />
    </>
  );
}
