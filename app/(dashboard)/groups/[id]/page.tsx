import { DailyStackedChart } from "@/components/charts/daily-stacked-chart";
import { GroupMembersTable } from "@/components/groups/group-members-table";
import { LimitCell } from "@/components/groups/limit-cell";
import { SetLimitButton } from "@/components/limits/set-limit-button";
import { GroupHeaderLinks } from "@/components/people/object-links";
import { Card, Stat } from "@/components/ui/card";
import { Link } from "@/components/ui/link";
import { ScreenHeader } from "@/components/ui/placeholder";
import { RangeFallbackNote } from "@/components/ui/range-fallback-note";
import { getGroupSummary } from "@/lib/analytics/group";
import { parseAnalyticsSearch, recordToSearch } from "@/lib/analytics/url-state";
import { pageData, requirePage } from "@/lib/auth/guards";
import { can } from "@/lib/auth/permissions";
import { spendScopeFor } from "@/lib/auth/scope";
import { formatAmount, percentOf } from "@/lib/core/money";
import { serialize } from "@/lib/core/serialize";
import { getMemberLimits } from "@/lib/limits/limits-screen";
import { now } from "@/lib/server/clock";
import { db } from "@/lib/server/db";

export const metadata = { title: "Group" };

export default async function GroupPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const actor = await requirePage(["spend:read:own"]);
  const { id } = await params;
  const s = parseAnalyticsSearch(recordToSearch(await searchParams));
  const scope = await spendScopeFor(db(), actor);
  const at = now();
  // the summary answers 404 outside the viewer's scope; the limits are this period's, whatever the range
  const g = await pageData(() => getGroupSummary(db(), scope, id, at, s.spec));
  const limits = serialize(
    Object.fromEntries(
      await getMemberLimits(
        db(),
        actor.workspaceId,
        g.members.map((m) => m.memberId),
        at,
      ),
    ),
  );
  const unit = g.unit;
  const canSetLimits = can(actor, "limits:write");
  return (
    <div className="flex flex-col gap-6">
      <ScreenHeader
        title={g.group.name}
        subtitle={`Group${g.group.costCenter ? ` · cost center ${g.group.costCenter}` : ""} · ${g.members.length} members${g.managers.length ? ` · managed by ${g.managers.map((m) => m.name).join(", ")}` : ""}`}
      />
      <GroupHeaderLinks
        id={g.group.id}
        canManage={can(actor, "groups:manage")}
        canReadAudit={can(actor, "audit:read")}
      />
      <RangeFallbackNote problem={s.rangeProblem} />
      <div className="grid gap-4 sm:grid-cols-3">
        <Stat
          label={`Pooled spend · ${g.range.label.toLowerCase()}`}
          value={formatAmount(g.pooledMicros, unit)}
          hint={`${g.range.start} – ${g.range.end} · previous ${formatAmount(g.previousPooledMicros, unit)}`}
          testId="group-pooled"
        />
        <Stat
          label="Pooled cap"
          value={g.poolCapMicros !== null ? formatAmount(g.poolCapMicros, unit) : "none"}
          hint={
            <span className="flex flex-wrap items-center gap-2">
              {g.poolCapMicros !== null
                ? `${percentOf(g.pooledMicros, g.poolCapMicros)}% used`
                : "no pooled cap on this group"}
              {canSetLimits && (
                <SetLimitButton target={{ groupId: g.group.id }} name={g.group.name} />
              )}
            </span>
          }
        />
        <Stat
          label="Members with usage"
          value={`${g.members.filter((m) => m.amountMicros > 0n).length} of ${g.members.length}`}
          hint={
            <Link className="text-brand-700 hover:underline" href={`/usage?group=${g.group.id}`}>
              explore this group&apos;s usage →
            </Link>
          }
        />
      </div>
      <Card title={`Daily pooled spend by product (${unit === "USD" ? "USD" : "credits"})`}>
        <DailyStackedChart
          daily={serialize(g.usage.daily)}
          series={g.usage.products}
          unit={unit}
          today={g.range.toDate.end}
        />
      </Card>
      <Card title="Members">
        <GroupMembersTable
          members={serialize(g.members)}
          unit={unit}
          limitFor={(memberId) => (
            <div className="flex flex-col items-end gap-1.5">
              <LimitCell limit={limits[memberId]} />
              {canSetLimits && limits[memberId] && (
                <SetLimitButton
                  target={{ memberId }}
                  name={g.members.find((m) => m.memberId === memberId)?.name ?? "member"}
                />
              )}
            </div>
          )}
        />
      </Card>
    </div>
  );
}
