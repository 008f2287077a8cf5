"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";

import { buttonClass } from "@/components/ui/button";
import { failure, OutcomeMessage, type Outcome } from "@/components/ui/outcome-message";
import { fetchJson } from "@/lib/client/fetch-json";

interface Rate {
  currency: string;
  effectiveFrom: string;
  usdPerUnit: string;
}

interface Props {
  seatEstimatesCount: boolean;
  rates: Rate[];
  missing: { connectionName: string; day: string; currency: string }[];
  today: string;
}

const input = "mt-1 w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm";

/** The owner's billing settings: whether seat estimates count against limits, and the exchange-rate table. */
export function BillingSettings({ seatEstimatesCount, rates, missing, today }: Props) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [message, setMessage] = useState<Outcome | null>(null);
  const [form, setForm] = useState<Rate>({ currency: "", effectiveFrom: today, usdPerUnit: "" });

  const call = (url: string, method: string, body: unknown, done: string) =>
    start(async () => {
      try {
        await fetchJson(url, { method, body: JSON.stringify(body) });
      } catch (e) {
        return setMessage(failure(e));
      }
      setMessage({ ok: true, text: done });
      router.refresh();
    });

  return (
    <div className="flex flex-col gap-5">
      <label className="flex items-start gap-2 text-sm text-slate-700">
        <input
          type="checkbox"
          className="mt-0.5"
          checked={seatEstimatesCount}
          disabled={pending}
          data-testid="seat-estimates-count"
          onChange={(e) =>
            call(
              "/api/settings/seat-estimates",
              "PUT",
              { seatEstimatesCountAgainstLimits: e.target.checked },
              e.target.checked
                ? "Seat estimates now count against limits."
                : "Seat estimates no longer count against limits.",
            )
          }
        />
        <span>
          Claude Code seat estimates count against limits
          <span className="block text-xs text-slate-500">
            Subscription (seat) plans are not invoiced per use: their usage shows as &ldquo;Claude
            Code seats, estimated&rdquo;, apart from billed spend. When this is on, limits and the
            budget check add the estimate to a person&apos;s spend.
          </span>
        </span>
      </label>

      <div>
        <h3 className="text-sm font-medium text-slate-800">Exchange rates</h3>
        <p className="mt-1 text-xs text-slate-500">
          Provider costs in another currency keep their amount and are converted with the rate in
          force on their day (USD per unit, from the day given until the next rate). A rate added
          later applies to days synced after it.
        </p>
        <table className="mt-2 w-full max-w-xl text-sm" data-testid="exchange-rates">
          <thead>
            <tr className="text-left text-xs text-slate-500">
              <th className="py-1 pr-4 font-normal">Currency</th>
              <th className="py-1 pr-4 font-normal">From</th>
              <th className="py-1 pr-4 text-right font-normal">USD per unit</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rates.length === 0 && (
              <tr>
                <td colSpan={4} className="py-2 text-slate-500">
                  No rates yet: costs in US dollars need none.
                </td>
              </tr>
            )}
            {rates.map((r) => (
              <tr key={`${r.currency}-${r.effectiveFrom}`} className="border-t border-slate-100">
                <td className="py-1.5 pr-4 font-medium">{r.currency}</td>
                <td className="tabular py-1.5 pr-4">{r.effectiveFrom}</td>
                <td className="tabular py-1.5 pr-4 text-right">{r.usdPerUnit}</td>
                <td className="py-1.5 text-right">
                  <button
                    type="button"
                    className="text-xs text-red-700 hover:underline"
                    disabled={pending}
                    onClick={() =>
                      call(
                        "/api/settings/exchange-rates",
                        "DELETE",
                        { currency: r.currency, effectiveFrom: r.effectiveFrom },
                        `Removed the ${r.currency} rate from ${r.effectiveFrom}.`,
                      )
                    }
                  >
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <form
          className="mt-3 grid max-w-xl gap-3 sm:grid-cols-4"
          onSubmit={(e) => {
            e.preventDefault();
            call(
              "/api/settings/exchange-rates",
              "PUT",
              form,
              `Saved: 1 ${form.currency.trim().toUpperCase()} = ${form.usdPerUnit.trim()} USD from ${form.effectiveFrom.trim()}.`,
            );
          }}
        >
          <label className="text-xs text-slate-600">
            Currency
            <input
              className={input}
              name="currency"
              placeholder="EUR"
              maxLength={3}
              value={form.currency}
              onChange={(e) => setForm({ ...form, currency: e.target.value })}
            />
          </label>
          <label className="text-xs text-slate-600">
            From (day)
            <input
              className={input}
              name="effectiveFrom"
              type="date"
              value={form.effectiveFrom}
              onChange={(e) => setForm({ ...form, effectiveFrom: e.target.value })}
            />
          </label>
          <label className="text-xs text-slate-600">
            USD per unit
            <input
              className={input}
              name="usdPerUnit"
              inputMode="decimal"
              placeholder="1.0825"
              value={form.usdPerUnit}
              onChange={(e) => setForm({ ...form, usdPerUnit: e.target.value })}
            />
          </label>
          <div className="flex items-end">
            <button type="submit" className={buttonClass()} disabled={pending}>
              {pending ? "Saving…" : "Set rate"}
            </button>
          </div>
        </form>
      </div>

      {missing.length > 0 && (
        <div
          className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900"
          data-testid="missing-rates"
        >
          <p className="font-medium">Costs left out of billed: no exchange rate on their day</p>
          <ul className="mt-1 list-disc pl-5 text-xs">
            {missing.slice(0, 10).map((m) => (
              <li key={`${m.connectionName}-${m.day}-${m.currency}`}>
                {m.currency} on {m.day} ({m.connectionName})
              </li>
            ))}
          </ul>
          {missing.length > 10 && <p className="mt-1 text-xs">…and {missing.length - 10} more.</p>}
          <p className="mt-1 text-xs">
            Add a rate covering these days, then sync the connection again for them.
          </p>
        </div>
      )}
      <OutcomeMessage outcome={message} testId="billing-message" />
    </div>
  );
}
