import { ComingSoon } from "@/components/ui/placeholder";
import { requirePage } from "@/lib/auth/guards";
import { screenPermissions } from "@/lib/auth/permissions";

export const metadata = { title: "Audit log" };

export default async function Page() {
  await requirePage(screenPermissions("/audit"));
  return <ComingSoon title="Audit log" what="Every change to limits, requests, connections and roles." />;
}
