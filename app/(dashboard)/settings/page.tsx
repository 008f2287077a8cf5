import { ComingSoon } from "@/components/ui/placeholder";
import { requirePage } from "@/lib/auth/guards";
import { screenPermissions } from "@/lib/auth/permissions";

export const metadata = { title: "Settings" };

export default async function Page() {
  await requirePage(screenPermissions("/settings"));
  return <ComingSoon title="Settings" what="Workspace settings, roles and API tokens." />;
}
