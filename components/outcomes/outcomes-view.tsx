import { Link } from "@/components/ui/link";
import type { OutcomeLine, OutcomeReport } from "@/lib/analytics/outcomes";
import type { Serialized } from "@/lib/core/serialize";
import { productLabel } from "@/lib/products/known-products";

import { Card, Stat } from "../ui/card";
import { count, perOutcome, usd } from "./format";

/** The ranges offered here: per-PR figures need weeks of history to mean anything. */
export const OUTCOME_RANGES = [
  { key: "30d", label: "Last 30 days" },
  { key: "90d", label: "Last 90 days" },
  { key: "period", label: "This budget period" },
  { key: "last-period", label: "Last budget period" },
] as const;

/** The most people listed; the rest are counted in the totals and named in a note. */
const MAX_PEOPLE = 200;
/** People shown at once; the others of the list are one disclosure away (a ~9,000 px page else). */
const FIRST_PEOPLE = 25;

type Line = Serialized<OutcomeLine>;

function OutcomeTable({
  lines,
  first,
  testId,
  showSeat,
}: {
  lines: Line[];
  first: string;
  testId: string;
  showSeat: boolean;
}) {
  if (!lines.length)
    return <p className="text-sm text-slate-500">Nothing reported in this range.</p>;
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-sm" data-testid={testId}>
        <thead>
          <tr className="border-b border-slate-200 text-left text-xs text-slate-500">
            <th className="py-2 pr-3 font-medium">{first}</th>
            <th className="py-2 pr-3 text-right font-medium">Billed</th>
            <th className="py-2 pr-3 text-right font-medium">Commits</th>
            <th className="py-2 pr-3 text-right font-medium">Pull requests</th>
            <th className="py-2 pr-3 text-right font-medium">Lines added</th>
            <th className="py-2 pr-3 text-right font-medium">Cost per commit</th>
            <th className="py-2 pr-3 text-right font-medium">Cost per PR</th>
            <th className="py-2 pr-3 text-right font-medium" title="billed × 1,000 ÷ lines added">
              Per 1,000 lines
            </th>
            {showSeat && (
              <th className="py-2 text-right font-medium" title="Claude Code seat estimate ÷ PRs">
                Seat est. per PR
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {lines.map((l) => (
            <tr key={l.key} className="border-b border-slate-100 last:border-0" data-row={l.label}>
              <th scope="row" className="py-2 pr-3 text-left font-normal">
                <span className="font-medium text-slate-800">{l.label}</span>
                {l.detail && <span className="ml-2 text-xs text-slate-500">{l.detail}</span>}
              </th>
              <td className="tabular py-2 pr-3 text-right">{usd(l.billedMicros)}</td>
              <td className="tabular py-2 pr-3 text-right">{count(l.commits)}</td>
              <td className="tabular py-2 pr-3 text-right">{count(l.pullRequests)}</td>
              <td className="tabular py-2 pr-3 text-right">{count(l.linesAdded)}</td>
              <td className="tabular py-2 pr-3 text-right">{perOutcome(l.perCommitMicros)}</td>
              <td className="tabular py-2 pr-3 text-right font-medium" data-cell="per-pr">
                {perOutcome(l.perPrMicros)}
              </td>
              <td className="tabular py-2 pr-3 text-right" data-cell="per-k-lines">
                {perOutcome(l.perKLinesMicros)}
              </td>
              {showSeat && (
                <td className="tabular py-2 text-right text-slate-500">
                  {perOutcome(l.seatPerPrMicros)}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function OutcomesView({ report }: { report: Serialized<OutcomeReport> }) {
  const t = report.total;
  const showSeat = BigInt(t.seatMicros) > 0n;
  const people = report.byPerson.slice(0, MAX_PEOPLE);
  const more = people.slice(FIRST_PEOPLE);
  const table = (lines: Line[], first: string, testId: string) => (
    <OutcomeTable lines={lines} first={first} testId={testId} showSeat={showSeat} />
  );
  const byProduct = report.byProduct.map((p) => ({ ...p, label: productLabel(p.key) }));
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-xl font-semibold">Outcomes</h1>
          <p className="mt-1 max-w-3xl text-sm text-slate-600">
            Billed cost per commit, per pull request and per 1,000 lines added, from what the
            vendors report per person and day: Claude Code its commits, pull requests and lines;
            Codex its lines only, so Codex spend counts per 1,000 lines, never per commit or PR.
            Billed spend only: Claude Code seat estimates are not billed and are shown apart. “—”
            means nothing to divide by.
          </p>
        </div>
        <nav className="flex flex-wrap gap-1" aria-label="Range">
          {OUTCOME_RANGES.map((r) => (
            <Link
              key={r.key}
              href={`/outcomes?range=${r.key}`}
              aria-current={report.range.key === r.key ? "page" : undefined}
              className={`rounded-md border px-2.5 py-1 text-sm ${
                report.range.key === r.key
                  ? "border-slate-800 bg-slate-800 text-white"
                  : "border-slate-300 bg-white text-slate-700 hover:bg-slate-50"
              }`}
            >
              {r.label}
            </Link>
          ))}
        </nav>
      </div>
      <p className="text-xs text-slate-500" data-testid="outcomes-range">
        {report.range.label}: {report.range.start} – {report.range.end}
      </p>

      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-5">
        <Stat label="Cost per PR" value={perOutcome(t.perPrMicros)} testId="outcomes-per-pr" />
        <Stat label="Cost per commit" value={perOutcome(t.perCommitMicros)} />
        <Stat
          label="Per 1,000 lines added"
          value={perOutcome(t.perKLinesMicros)}
          testId="outcomes-per-k-lines"
        />
        <Stat
          label="Pull requests · commits"
          value={`${count(t.pullRequests)} · ${count(t.commits)}`}
          hint={`${count(t.linesAdded)} lines added, ${count(t.linesRemoved)} removed`}
        />
        <Stat
          label="Billed"
          value={usd(t.billedMicros)}
          hint={showSeat ? `plus ${usd(t.seatMicros)} Claude Code seats, estimated` : undefined}
        />
      </div>

      <Card title="By product">{table(byProduct, "Product", "outcomes-by-product")}</Card>
      <Card title="By group">{table(report.byGroup, "Group", "outcomes-by-group")}</Card>
      <Card title="By person">
        {table(people.slice(0, FIRST_PEOPLE), "Person", "outcomes-by-person")}
        {more.length > 0 && (
          <details className="mt-3" data-testid="outcomes-more-people">
            <summary className="cursor-pointer text-sm font-medium text-brand-700 hover:underline">
              {more.length} more {more.length === 1 ? "person" : "people"}, by cost per PR
            </summary>
            <div className="mt-2">{table(more, "Person", "outcomes-by-person-more")}</div>
          </details>
        )}
        {report.byPerson.length > people.length && (
          <p className="mt-2 text-xs text-slate-500">
            {report.byPerson.length - people.length} more people are in the totals above; the{" "}
            {MAX_PEOPLE} listed are those with the highest cost per PR.
          </p>
        )}
      </Card>
    </div>
  );
}
