import { ComingSoon } from "@/components/ui/placeholder";
import { requirePage } from "@/lib/auth/guards";
import { screenPermissions } from "@/lib/auth/permissions";

export const metadata = { title: "Requests" };

export default async function Page() {
  await requirePage(screenPermissions("/requests"));
  return <ComingSoon title="Requests" what="Credit requests: file one, or decide the queue." />;
}
