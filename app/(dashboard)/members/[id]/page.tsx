import { DailyStackedChart } from "@/components/charts/daily-stacked-chart";
import { SetLimitButton } from "@/components/limits/set-limit-button";
import { AmountList } from "@/components/members/amount-list";
import { MemberLimitPanel } from "@/components/members/limit-panel";
import { MemberLimitSlot } from "@/components/members/limit-slot";
import { MemberRequests } from "@/components/members/member-requests";
import { MemberHeaderLinks } from "@/components/people/object-links";
import { Card, Stat } from "@/components/ui/card";
import { Link } from "@/components/ui/link";
import { ScreenHeader } from "@/components/ui/placeholder";
import { getMemberSummary } from "@/lib/analytics/member";
import { pageData, requirePage } from "@/lib/auth/guards";
import { can } from "@/lib/auth/permissions";
import { scopeIncludesGroup, spendScopeFor } from "@/lib/auth/scope";
import { formatAmount, inBudgetUnit } from "@/lib/core/money";
import { serialize } from "@/lib/core/serialize";
import { getMemberLimit } from "@/lib/limits/limits-screen";
import { identityKindLabel } from "@/lib/people/automation";
import { listMemberRequests } from "@/lib/requests/request-queue";
import { now } from "@/lib/server/clock";
import { db } from "@/lib/server/db";

export const metadata = { title: "Member" };

export default async function MemberPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requirePage(["spend:read:own"]);
  const { id } = await params;
  const scope = await spendScopeFor(db(), actor);
  const at = now();
  // the summary answers 404 outside the viewer's scope; only then the limit and the requests
  const s = await pageData(() => getMemberSummary(db(), scope, id, at));
  const [limit, requests] = await Promise.all([
    getMemberLimit(db(), actor.workspaceId, s.member.id, at),
    listMemberRequests(db(), actor, s.member.id, at),
  ]);
  const self = s.member.id === actor.memberId;
  const active =
    (await db().member.findUnique({ where: { id: s.member.id }, select: { active: true } }))
      ?.active ?? false;
  const spent = inBudgetUnit(s.unit, s.usage.totals);
  const daily = serialize(s.usage.daily);
  const service = s.member.kind === "SERVICE";
  const costCenter = s.member.costCenter ? ` · cost center ${s.member.costCenter}` : "";
  return (
    <div className="flex flex-col gap-6">
      <ScreenHeader
        title={s.member.name}
        subtitle={
          service
            ? `Service account: automation whose API keys and projects (listed below) spend against its own limit${costCenter}`
            : `${s.member.email} · ${s.member.role.toLowerCase()}${costCenter}`
        }
      />
      <MemberHeaderLinks
        id={s.member.id}
        role={s.member.role}
        active={active}
        canManage={can(actor, "members:manage")}
        canReadAudit={can(actor, "audit:read")}
        owner={service ? s.member.owner : undefined}
      />
      <div className="grid gap-4 sm:grid-cols-3">
        <Stat
          label="Spent this period"
          value={formatAmount(spent, s.unit)}
          hint={`${s.period.start} – ${s.period.end}`}
          testId="member-spent"
        />
        <Stat
          label="Billed (USD)"
          value={formatAmount(s.usage.totals.costMicros, "USD")}
          hint={`list-price estimate ${formatAmount(s.usage.totals.estimatedCostMicros, "USD")}${s.usage.totals.seatMicros ? ` · seat plans, estimated ${formatAmount(s.usage.totals.seatMicros, s.unit)} (not billed)` : ""}`}
        />
        <div className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
          <p className="text-xs font-medium tracking-wide text-slate-500 uppercase">Groups</p>
          {s.groups.length === 0 ? (
            <p className="mt-2 text-sm text-slate-500">none</p>
          ) : (
            <ul className="mt-2 flex flex-wrap gap-2 text-sm">
              {s.groups.map((g) => (
                <li key={g.id}>
                  {scopeIncludesGroup(scope, g.id) ? (
                    <Link
                      href={`/groups/${g.id}`}
                      className="font-medium text-brand-700 hover:underline"
                    >
                      {g.name}
                    </Link>
                  ) : (
                    <span className="font-medium">{g.name}</span>
                  )}
                  {g.manager && <span className="ml-1 text-xs text-slate-500">(manager)</span>}
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>
      <MemberLimitSlot memberId={s.member.id}>
        <MemberLimitPanel
          limit={serialize(limit)}
          self={self}
          fields={["limit", "remaining", "projected"]}
          action={
            can(actor, "limits:write") && active ? (
              <SetLimitButton
                target={{ memberId: s.member.id }}
                name={s.member.name}
                className="border-brand-200 rounded-md border bg-white px-3 py-2 text-sm font-medium text-brand-700 hover:bg-brand-50"
              />
            ) : undefined
          }
        />
      </MemberLimitSlot>
      {/* a service account files no requests: it never signs in */}
      {requests && !service && (
        <MemberRequests requests={serialize(requests)} unit={s.unit} self={self} />
      )}
      <Card title={`Daily usage this period by product (${s.unit === "USD" ? "USD" : "credits"})`}>
        <DailyStackedChart daily={daily} series={s.usage.products} unit={s.unit} today={s.today} />
      </Card>
      <div className="grid gap-4 lg:grid-cols-2">
        <Card title="By product this period">
          <AmountList rows={serialize(s.byProduct)} unit={s.unit} kind="product" />
        </Card>
        <Card title="By model this period">
          <AmountList rows={serialize(s.byModel)} unit={s.unit} kind="model" />
        </Card>
      </div>
      <Card
        title={
          service
            ? "Keys and projects that are this service account's"
            : "Identities used to attribute provider usage"
        }
      >
        {s.identities.length === 0 ? (
          <p className="text-sm text-slate-500">
            {service
              ? "No key or project yet: an owner adds one from Connections → Unmapped identities."
              : "No provider identities mapped yet."}
          </p>
        ) : (
          <ul className="text-sm" data-testid="member-identities">
            {s.identities.map((i) => (
              <li key={`${i.provider}:${i.kind}:${i.externalId}`} className="py-1">
                <span className="font-medium">{i.provider}</span>{" "}
                <span className="text-slate-500">{identityKindLabel(i.kind)}</span>{" "}
                <code className="text-xs">{i.externalId}</code>
              </li>
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}
