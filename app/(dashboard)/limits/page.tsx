import { ComingSoon } from "@/components/ui/placeholder";
import { requirePage } from "@/lib/auth/guards";
import { screenPermissions } from "@/lib/auth/permissions";

export const metadata = { title: "Limits" };

export default async function Page() {
  await requirePage(screenPermissions("/limits"));
  return <ComingSoon title="Limits" what="Workspace default, group limits and individual overrides, with the reason each limit applies." />;
}
