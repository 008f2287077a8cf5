"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState, useTransition } from "react";

import { buttonClass } from "@/components/ui/button";
import { failure, OutcomeMessage, type Outcome } from "@/components/ui/outcome-message";
import { fetchJson } from "@/lib/client/fetch-json";
import { parseAmountText } from "@/lib/core/money";
import type { TimezoneChangePreview } from "@/lib/limits/workspace-settings";

interface Props {
  initial: {
    budgetUnit: string;
    budgetPeriod: string;
    timezone: string;
    managerGrantCeiling: string;
  };
  unitLabel: string;
}

type PreviewResult = { ok: true; data: TimezoneChangePreview } | { ok: false; error: string };

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** Budget unit, period, timezone (with what a change touches, before saving) and the managers' grant ceiling (owner). */
export function WorkspaceSettingsForm({ initial, unitLabel }: Props) {
  const router = useRouter();
  const [form, setForm] = useState(initial);
  const [saved, setSaved] = useState(initial);
  const [message, setMessage] = useState<Outcome | null>(null);
  const [pending, start] = useTransition();
  // the answer for one timezone text; shown only while that text is still in the field
  const [answer, setAnswer] = useState<{ tz: string; result: PreviewResult } | null>(null);
  const tz = form.timezone.trim();
  const tzChanged = tz !== "" && tz !== saved.timezone;
  const ceilingCheck =
    form.managerGrantCeiling.trim() === ""
      ? null
      : parseAmountText(form.managerGrantCeiling, { label: "Ceiling" });

  // say what a timezone change touches before it is saved (debounced while typing)
  useEffect(() => {
    if (!tzChanged) return;
    let live = true;
    const t = setTimeout(() => {
      fetchJson<TimezoneChangePreview>("/api/settings/workspace/preview", {
        method: "POST",
        body: JSON.stringify({ timezone: tz }),
      }).then(
        (data) => {
          if (live) setAnswer({ tz, result: { ok: true, data } });
        },
        (e: unknown) => {
          if (live)
            setAnswer({
              tz,
              result: { ok: false, error: e instanceof Error ? e.message : "Failed" },
            });
        },
      );
    }, 300);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [tz, tzChanged]);
  const preview = answer && answer.tz === tz ? answer.result : null;

  const input = "mt-1 w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm";
  return (
    <form
      className="flex flex-col gap-3"
      onSubmit={(e) => {
        e.preventDefault();
        start(async () => {
          let moved: number;
          try {
            ({ policiesMoved: moved } = await fetchJson<{ policiesMoved: number }>(
              "/api/settings/workspace",
              { method: "PUT", body: JSON.stringify(form) },
            ));
          } catch (e) {
            return setMessage(failure(e));
          }
          setSaved(form);
          setMessage({
            ok: true,
            text:
              moved > 0
                ? `Saved. ${plural(moved, "limit date was", "limit dates were")} moved to keep ${moved === 1 ? "its" : "their"} day in ${form.timezone}.`
                : "Saved.",
          });
          router.refresh();
        });
      }}
    >
      <div className="grid gap-3 sm:grid-cols-4">
        <label className="text-xs text-slate-600">
          Budget unit
          <select
            className={input}
            value={form.budgetUnit}
            onChange={(e) => setForm({ ...form, budgetUnit: e.target.value })}
            name="budgetUnit"
          >
            <option value="CREDITS">Credits</option>
            <option value="USD">US dollars</option>
          </select>
        </label>
        <label className="text-xs text-slate-600">
          Budget period
          <select
            className={input}
            value={form.budgetPeriod}
            onChange={(e) => setForm({ ...form, budgetPeriod: e.target.value })}
            name="budgetPeriod"
          >
            <option value="MONTHLY">Monthly</option>
            <option value="WEEKLY">Weekly (Monday start)</option>
            <option value="DAILY">Daily</option>
          </select>
        </label>
        <label className="text-xs text-slate-600">
          Timezone
          <input
            className={input}
            value={form.timezone}
            onChange={(e) => setForm({ ...form, timezone: e.target.value })}
            name="timezone"
          />
        </label>
        <label className="text-xs text-slate-600">
          Most a manager grants per request ({unitLabel})
          <input
            className={`${input} ${ceilingCheck && !ceilingCheck.ok ? "border-red-400" : ""}`}
            value={form.managerGrantCeiling}
            onChange={(e) => setForm({ ...form, managerGrantCeiling: e.target.value })}
            name="managerGrantCeiling"
            inputMode="decimal"
            placeholder="what was asked"
            aria-invalid={!!ceilingCheck && !ceilingCheck.ok}
          />
        </label>
      </div>
      <p className="text-xs text-slate-500" data-testid="ceiling-help">
        {ceilingCheck && !ceilingCheck.ok ? (
          <span className="text-red-700">{ceilingCheck.error}</span>
        ) : (
          <>
            Group managers grant at most what was asked
            {form.managerGrantCeiling.trim()
              ? `, and never more than ${form.managerGrantCeiling.trim()} ${unitLabel}`
              : ""}{" "}
            per request; a request that names no amount (Claude&apos;s) needs this ceiling for a
            manager to approve it. Owners and admins may grant more.
          </>
        )}
      </p>
      {tzChanged && (
        <div
          className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900"
          data-testid="timezone-preview"
        >
          {preview?.ok ? (
            <>
              Changing the timezone from <strong>{preview.data.from}</strong> to{" "}
              <strong>{preview.data.to}</strong> keeps every date&apos;s meaning:{" "}
              {preview.data.policies === 0 ? (
                "no limit or override has a start or expiry date to move"
              ) : (
                <>
                  {plural(preview.data.policies, "limit or override", "limits and overrides")} with
                  a start or expiry date will move to the same day in {preview.data.to}
                </>
              )}
              ;{" "}
              {plural(
                preview.data.pendingRequests,
                "pending request keeps its",
                "pending requests keep their",
              )}{" "}
              needed-until day. Budget periods start at midnight in the new timezone.
            </>
          ) : preview ? (
            <span className="text-red-700">{preview.error}</span>
          ) : (
            "Checking what the change touches…"
          )}
        </div>
      )}
      <div className="flex items-center gap-3">
        <button
          type="submit"
          disabled={pending || (!!ceilingCheck && !ceilingCheck.ok)}
          className={buttonClass()}
        >
          {pending ? "Saving…" : "Save settings"}
        </button>
        <OutcomeMessage outcome={message} testId="settings-message" />
      </div>
    </form>
  );
}
