import { BudgetHome } from "@/components/home/budget-home";
import { getMyBudget } from "@/lib/analytics/my-usage";
import { requirePage } from "@/lib/auth/guards";
import { screenPermissions } from "@/lib/auth/permissions";
import { spendScopeFor } from "@/lib/auth/scope";
import { serialize } from "@/lib/core/serialize";
import { now } from "@/lib/server/clock";
import { db } from "@/lib/server/db";

export const metadata = { title: "My budget" };

/** Every role's own budget home: the limit as a meter, the forecast, requests, where it goes. */
export default async function MyBudgetPage() {
  const actor = await requirePage(screenPermissions("/me"));
  const scope = await spendScopeFor(db(), actor);
  const b = await getMyBudget(db(), actor, scope, now());
  return <BudgetHome b={serialize(b)} />;
}
