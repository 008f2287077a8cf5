import { EnforcementView } from "@/components/enforcement/enforcement-view";
import { ScreenHeader } from "@/components/ui/placeholder";
import { requirePage } from "@/lib/auth/guards";
import { screenPermissions } from "@/lib/auth/permissions";
import { now } from "@/lib/clock";
import { serialize } from "@/lib/core/serialize";
import { dbReady } from "@/lib/db";
import { enforcementScreen } from "@/lib/enforce/screen";

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
