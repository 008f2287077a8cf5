import { dehydrate, HydrationBoundary, QueryClient } from "@tanstack/react-query";

import { OnboardingChecklist } from "@/components/onboarding/onboarding-checklist";
import { OverviewView } from "@/components/overview/overview-view";
import { RangeFallbackNote } from "@/components/ui/range-fallback-note";
import { getOverview } from "@/lib/analytics/overview";
import { canonicalSearch, parseAnalyticsSearch, recordToSearch } from "@/lib/analytics/url-state";
import { requirePage } from "@/lib/auth/guards";
import { can } from "@/lib/auth/permissions";
import { spendScopeFor } from "@/lib/auth/scope";
import { queryKeys } from "@/lib/client/query-keys";
import { serialize } from "@/lib/core/serialize";
import { onboardingState, seesOnboarding } from "@/lib/onboarding/checklist";
import { now } from "@/lib/server/clock";
import { db } from "@/lib/server/db";

export const metadata = { title: "Overview" };

export default async function OverviewPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const actor = await requirePage(["spend:read:own"]);
  const s = parseAnalyticsSearch(recordToSearch(await searchParams));
  const scope = await spendScopeFor(db(), actor);
  const client = new QueryClient();
  // owners and admins: the getting-started checklist until it is done or put away
  const onboarding = seesOnboarding(actor) ? onboardingState(db(), actor.workspaceId) : null;
  await client.prefetchQuery({
    queryKey: queryKeys.overview(canonicalSearch(s, { stack: true })),
    queryFn: async () =>
      serialize(
        await getOverview(db(), scope, now(), {
          range: s.spec,
          filters: s.filters,
          stackBy: s.stack,
        }),
      ),
  });
  const checklist = await onboarding;
  return (
    <HydrationBoundary state={dehydrate(client)}>
      {checklist && !checklist.complete && !checklist.dismissed && (
        <div className="mb-6">
          <OnboardingChecklist steps={checklist.steps} dismissable />
        </div>
      )}
      <RangeFallbackNote problem={s.rangeProblem} />
      <OverviewView canSetLimits={can(actor, "limits:write")} />
    </HydrationBoundary>
  );
}
