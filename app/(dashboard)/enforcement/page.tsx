import { EnforcementView } from "@/components/enforcement/enforcement-view";
import { ScreenHeader } from "@/components/ui/placeholder";
import { requirePage } from "@/lib/auth/guards";
import { screenPermissions } from "@/lib/auth/permissions";
import { serialize } from "@/lib/core/serialize";
import { enforcementScreen } from "@/lib/enforce/screen";
import { now } from "@/lib/server/clock";
import { dbReady } from "@/lib/server/db";

export const metadata = { title: "Enforcement" };
export const dynamic = "force-dynamic";

export default async function Page() {
  const actor = await requirePage(screenPermissions("/enforcement"));
  const data = serialize(await enforcementScreen(await dbReady(), actor.workspaceId, now()));
  return (
    <div>
      <ScreenHeader
        title="Enforcement"
        subtitle="Write Allotment's limits into each vendor in its own terms: ChatGPT Enterprise per-user overrides, Claude Enterprise per-user spend limits, GitHub Copilot budgets (universal, per cost center, individual) and Cursor member spend limits. Nothing is written without your explicit apply or a decided request."
      />
      <EnforcementView data={data} />
    </div>
  );
}
