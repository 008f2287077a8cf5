import { MemberLimitPanel } from "@/components/members/limit-panel";
import { MyUsageView } from "@/components/usage/my-usage-view";
import { getMyUsage } from "@/lib/analytics/my-usage";
import { spendScopeFor } from "@/lib/analytics/scope";
import { requirePage } from "@/lib/auth/guards";
import { screenPermissions } from "@/lib/auth/permissions";
import { now } from "@/lib/clock";
import { db } from "@/lib/db";
import { getMyLimit } from "@/lib/limits/overview";
import { serialize } from "@/lib/serialize";

export const metadata = { title: "My usage" };

export default async function MyUsagePage() {
  const actor = await requirePage(screenPermissions("/me"));
  const scope = await spendScopeFor(db(), actor);
  const at = now();
  const [m, limit] = await Promise.all([getMyUsage(db(), scope, at), getMyLimit(db(), actor, at)]);
  return (
    <MyUsageView
      m={serialize(m)}
      limit={<MemberLimitPanel limit={serialize(limit)} self fields={["limit", "remaining"]} />}
    />
  );
}
