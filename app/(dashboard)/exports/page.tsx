import { ExportsView } from "@/components/exports/exports-view";
import { ScreenHeader } from "@/components/ui/placeholder";
import { requirePage } from "@/lib/auth/guards";
import { screenPermissions } from "@/lib/auth/permissions";
import { todayIn } from "@/lib/core/period";
import { now } from "@/lib/server/clock";
import { db } from "@/lib/server/db";

export const metadata = { title: "Exports" };

export default async function Page() {
  const actor = await requirePage(screenPermissions("/exports"));
  const ws = await db().workspace.findUniqueOrThrow({
    where: { id: actor.workspaceId },
    select: { timezone: true },
  });
  return (
    <div>
      <ScreenHeader
        title="Exports"
        subtitle="Chargeback by cost center, group, member or product, and FOCUS 1.2 for FinOps tools. Check the totals here, then download."
      />
      <ExportsView today={todayIn(ws.timezone, now())} workspaceName={actor.workspaceName} />
    </div>
  );
}
