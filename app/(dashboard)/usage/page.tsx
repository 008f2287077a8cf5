import { dehydrate, HydrationBoundary, QueryClient } from "@tanstack/react-query";

import { RangeFallbackNote } from "@/components/ui/range-fallback-note";
import { UsageExplorer } from "@/components/usage/usage-explorer";
import { explorerPage } from "@/lib/analytics/explorer-page";
import { canonicalSearch, parseAnalyticsSearch, recordToSearch } from "@/lib/analytics/url-state";
import { requirePage } from "@/lib/auth/guards";
import { can, screenPermissions } from "@/lib/auth/permissions";
import { spendScopeFor } from "@/lib/auth/scope";
import { queryKeys } from "@/lib/client/query-keys";
import { serialize } from "@/lib/core/serialize";
import { now } from "@/lib/server/clock";
import { db } from "@/lib/server/db";

export const metadata = { title: "Usage" };

export default async function UsagePage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const actor = await requirePage(screenPermissions("/usage"));
  const s = parseAnalyticsSearch(recordToSearch(await searchParams));
  const scope = await spendScopeFor(db(), actor);
  const client = new QueryClient();
  await client.prefetchQuery({
    queryKey: queryKeys.usage(canonicalSearch(s, { breakdown: true })),
    queryFn: async () =>
      serialize(await explorerPage({ db: db(), scope, now: now() }, s.spec, s.filters, s.query)),
  });
  return (
    <HydrationBoundary state={dehydrate(client)}>
      <RangeFallbackNote problem={s.rangeProblem} />
      <UsageExplorer canSetLimits={can(actor, "limits:write")} />
    </HydrationBoundary>
  );
}
