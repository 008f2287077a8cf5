import { ComingSoon } from "@/components/ui/placeholder";
import { requirePage } from "@/lib/auth/guards";
import { screenPermissions } from "@/lib/auth/permissions";

export const metadata = { title: "Exports" };

export default async function Page() {
  await requirePage(screenPermissions("/exports"));
  return <ComingSoon title="Exports" what="Chargeback and FOCUS CSV exports for finance." />;
}
