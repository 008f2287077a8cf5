"use client";

import { useState, useTransition } from "react";
import { saveWorkspaceSettings } from "@/app/(dashboard)/settings/actions";

interface Props {
  initial: { budgetUnit: string; budgetPeriod: string; timezone: string };
}

/** Budget unit, period and timezone (owner). */
export function WorkspaceSettingsForm({ initial }: Props) {
  const [form, setForm] = useState(initial);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [pending, start] = useTransition();
  const input = "mt-1 w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm";
  return (
    <form
      className="grid gap-3 sm:grid-cols-4"
      onSubmit={(e) => {
        e.preventDefault();
        start(async () => {
          const r = await saveWorkspaceSettings(form);
          setMessage(r.ok ? { ok: true, text: "Saved." } : { ok: false, text: r.error });
        });
      }}
    >
      <label className="text-xs text-slate-600">
        Budget unit
        <select className={input} value={form.budgetUnit} onChange={(e) => setForm({ ...form, budgetUnit: e.target.value })} name="budgetUnit">
          <option value="CREDITS">Credits</option>
          <option value="USD">US dollars</option>
        </select>
      </label>
      <label className="text-xs text-slate-600">
        Budget period
        <select className={input} value={form.budgetPeriod} onChange={(e) => setForm({ ...form, budgetPeriod: e.target.value })} name="budgetPeriod">
          <option value="MONTHLY">Monthly</option>
          <option value="WEEKLY">Weekly (Monday start)</option>
          <option value="DAILY">Daily</option>
        </select>
      </label>
      <label className="text-xs text-slate-600">
        Timezone
        <input className={input} value={form.timezone} onChange={(e) => setForm({ ...form, timezone: e.target.value })} name="timezone" />
      </label>
      <div className="flex items-end gap-3">
        <button type="submit" disabled={pending} className="rounded-md bg-brand-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-50">
          {pending ? "Saving…" : "Save settings"}
        </button>
        {message && <span className={`text-sm ${message.ok ? "text-emerald-700" : "text-red-700"}`}>{message.text}</span>}
      </div>
    </form>
  );
}
