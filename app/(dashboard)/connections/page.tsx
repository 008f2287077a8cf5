import { AddConnectionForm } from "@/components/connections/add-connection-form";
import { ConnectionList, RunPoller } from "@/components/connections/connection-list";
import { RateCard } from "@/components/connections/rate-card";
import { ReconciliationTable } from "@/components/connections/reconciliation-table";
import { RunHistory } from "@/components/connections/run-history";
import { UnmappedIdentities } from "@/components/connections/unmapped-identities";
import { Card } from "@/components/ui/card";
import { ScreenHeader } from "@/components/ui/placeholder";
import { requirePage } from "@/lib/auth/guards";
import { screenPermissions } from "@/lib/auth/permissions";
import { listConnections, listRuns } from "@/lib/connections/connections";
import { unmappedIdentities } from "@/lib/connections/identity-mapping";
import { reconciliation } from "@/lib/connections/reconciliation";
import { formatAmount } from "@/lib/core/money";
import { addDays, toDayKey } from "@/lib/core/period";
import { MEMBER_LABEL_SELECT, memberLabel } from "@/lib/people/member-label";
import { rateCardLines } from "@/lib/ratecard/rate-card-entries";
import { now } from "@/lib/server/clock";
import { db } from "@/lib/server/db";

import { BillingWarnings } from "./billing-warnings";

export const metadata = { title: "Connections" };

export default async function Page() {
  const actor = await requirePage(screenPermissions("/connections"));
  const database = db();
  const [connections, runs, unmapped, members, rateCard] = await Promise.all([
    listConnections(database, actor.workspaceId),
    listRuns(database, actor.workspaceId, undefined, 15),
    unmappedIdentities(database, actor.workspaceId),
    database.member.findMany({
      where: { workspaceId: actor.workspaceId, active: true },
      select: { id: true, ...MEMBER_LABEL_SELECT },
      orderBy: { name: "asc" },
    }),
    rateCardLines(database, actor.workspaceId),
  ]);
  // reconcile the last 31 days that any provider connection reported
  const provider = connections.filter((c) => c.kind !== "simulator");
  const end =
    provider
      .map((c) => c.dataAsOf)
      .filter((d): d is string => !!d)
      .sort()
      .at(-1) ?? toDayKey(now());
  const recon = (
    await reconciliation(database, actor.workspaceId, { start: addDays(end, -30), end })
  ).filter((r) => provider.some((c) => c.id === r.connectionId));
  const running = runs.filter((r) => r.status === "RUNNING");
  return (
    <div className="flex flex-col gap-6">
      <ScreenHeader
        title="Connections"
        subtitle="Provider sources, their sync runs, reconciliation to the bill and identity mapping."
      />
      <RunPoller active={running.length > 0} />
      <BillingWarnings db={database} workspaceId={actor.workspaceId} />
      <Card title="Connections">
        <ConnectionList connections={connections} runningIds={running.map((r) => r.connectionId)} />
      </Card>
      <Card title="Add a connection">
        <AddConnectionForm />
      </Card>
      <Card title="Sync runs">
        <RunHistory runs={runs} />
      </Card>
      <Card title={`Reconciliation · ${addDays(end, -30)} → ${end}`}>
        <p className="mb-3 text-xs text-slate-500">
          Billed is what the provider charged; the estimate prices the same usage at list price.
          Allocated is the bill spread over the usage rows behind it (largest remainder, to the
          micro-dollar); unattributed is billed cost with no usage behind it. Unpriced rows have no
          rate-card price.
        </p>
        <ReconciliationTable rows={recon} />
      </Card>
      <Card title="Unmapped identities">
        <p className="mb-3 text-xs text-slate-500">
          Usage the providers reported under a user, key, email or project that no member has.
          Mapping re-attributes existing rows at once. Automation (an API key, a provider&apos;s
          service account, a project) can be named as a service account with an owner, and then gets
          limits and a budget check like a person.
        </p>
        <UnmappedIdentities
          items={unmapped.map((u) => ({ ...u, cost: formatAmount(u.costMicros, "USD") }))}
          members={members.map((m) => ({
            id: m.id,
            label: memberLabel(m),
          }))}
        />
      </Card>
      <Card title="Rate card (list prices)">
        <RateCard lines={rateCard} />
      </Card>
    </div>
  );
}
