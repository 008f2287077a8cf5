import { AlertsView } from "@/components/alerts/alerts-view";
import { ScreenHeader } from "@/components/ui/placeholder";
import { requirePage } from "@/lib/auth/guards";
import { can, screenPermissions } from "@/lib/auth/permissions";

export const metadata = { title: "Alerts" };

export default async function Page() {
  const actor = await requirePage(screenPermissions("/alerts"));
  return (
    <div>
      <ScreenHeader
        title="Alerts"
        subtitle="Budget thresholds, limits reached, projected overruns and unusual spend — in the app, in Slack and by email."
      />
      <AlertsView
        canManage={can(actor, "alerts:manage")}
        canSetLimits={can(actor, "limits:write")}
      />
    </div>
  );
}
