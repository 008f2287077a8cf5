import { dehydrate, HydrationBoundary, QueryClient } from "@tanstack/react-query";

import { OverviewView } from "@/components/overview/overview-view";
import { RangeFallbackNote } from "@/components/ui/range-fallback-note";
import { getOverview } from "@/lib/analytics/overview";
import { spendScopeFor } from "@/lib/analytics/scope";
import { canonicalSearch, parseAnalyticsSearch, recordToSearch } from "@/lib/analytics/url-state";
import { requirePage } from "@/lib/auth/guards";
import { now } from "@/lib/clock";
import { db } from "@/lib/db";
import { queryKeys } from "@/lib/query-keys";
import { serialize } from "@/lib/serialize";

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
  return (
    <HydrationBoundary state={dehydrate(client)}>
      <RangeFallbackNote problem={s.rangeProblem} />
      <OverviewView />
    </HydrationBoundary>
  );
}
