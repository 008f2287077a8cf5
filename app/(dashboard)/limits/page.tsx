import { dehydrate, HydrationBoundary, QueryClient } from "@tanstack/react-query";

import { LimitsView } from "@/components/limits/limits-view";
import { requirePage } from "@/lib/auth/guards";
import { screenPermissions } from "@/lib/auth/permissions";
import { queryKeys } from "@/lib/client/query-keys";
import { serialize } from "@/lib/core/serialize";
import { getLimitsOverview } from "@/lib/limits/limits-screen";
import { membersSearch, parseMembersQuery } from "@/lib/limits/members-query";
import { now } from "@/lib/server/clock";
import { db } from "@/lib/server/db";

export const metadata = { title: "Limits" };

export default async function Page({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const actor = await requirePage(screenPermissions("/limits"));
  // one page of members (the URL's filter, search, sort and page), not every member
  const query = parseMembersQuery(await searchParams);
  const client = new QueryClient();
  await client.prefetchQuery({
    queryKey: queryKeys.limitsPage(membersSearch(query)),
    queryFn: async () => serialize(await getLimitsOverview(db(), actor, now(), query)),
  });
  return (
    <HydrationBoundary state={dehydrate(client)}>
      <LimitsView />
    </HydrationBoundary>
  );
}
