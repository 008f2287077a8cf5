import { ComingSoon } from "@/components/ui/placeholder";
import { requirePage } from "@/lib/auth/guards";
import { screenPermissions } from "@/lib/auth/permissions";

export const metadata = { title: "Usage" };

export default async function Page() {
  await requirePage(screenPermissions("/usage"));
  return <ComingSoon title="Usage" what="A breakdown explorer by member, group, cost center, product and model." />;
}
