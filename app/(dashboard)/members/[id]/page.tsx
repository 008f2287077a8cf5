import { DailyStackedChart } from "@/components/charts/daily-stacked-chart";
import { Card, Stat } from "@/components/ui/card";
import { ScreenHeader } from "@/components/ui/placeholder";
import { getMemberSummary } from "@/lib/analytics/member";
import { spendScopeFor } from "@/lib/analytics/scope";
import { pageData, requirePage } from "@/lib/auth/guards";
import { now } from "@/lib/clock";
import { db } from "@/lib/db";
import { formatAmount, inBudgetUnit } from "@/lib/money";
import { serialize } from "@/lib/serialize";

export const metadata = { title: "Member" };

export default async function MemberPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requirePage(["spend:read:own"]);
  const { id } = await params;
  const scope = await spendScopeFor(db(), actor);
  const s = await pageData(() => getMemberSummary(db(), scope, id, now()));
  const spent = inBudgetUnit(s.unit, s.usage.totals);
  const daily = serialize(s.usage.daily);
  return (
    <div className="flex flex-col gap-6">
      <ScreenHeader title={s.member.name} subtitle={`${s.member.email} · ${s.member.role.toLowerCase()}${s.member.costCenter ? ` · cost center ${s.member.costCenter}` : ""}`} />
      <div className="grid gap-4 sm:grid-cols-3">
        <Stat label="Spent this period" value={formatAmount(spent, s.unit)} hint={`${s.period.start} – ${s.period.end}`} testId="member-spent" />
        <Stat label="Billed (USD)" value={formatAmount(s.usage.totals.costMicros, "USD")} />
        <Stat label="Groups" value={String(s.groups.length)} hint={s.groups.map((g) => `${g.name}${g.manager ? " (manager)" : ""}`).join(", ") || "none"} />
      </div>
      <Card title="Daily usage this period">
        <DailyStackedChart daily={daily} series={s.usage.products} unit={s.unit} />
      </Card>
      <Card title="Identities used to attribute provider usage">
        {s.identities.length === 0 ? (
          <p className="text-sm text-slate-500">No provider identities mapped yet.</p>
        ) : (
          <ul className="text-sm">
            {s.identities.map((i) => (
              <li key={`${i.provider}:${i.kind}:${i.externalId}`} className="py-1">
                <span className="font-medium">{i.provider}</span> <span className="text-slate-500">{i.kind}</span> <code className="text-xs">{i.externalId}</code>
              </li>
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}
