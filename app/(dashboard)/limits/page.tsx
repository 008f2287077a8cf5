import { dehydrate, HydrationBoundary, QueryClient } from "@tanstack/react-query";

import { LimitsView } from "@/components/limits/limits-view";
import { requirePage } from "@/lib/auth/guards";
import { screenPermissions } from "@/lib/auth/permissions";
import { queryKeys } from "@/lib/client/query-keys";
import { serialize } from "@/lib/core/serialize";
import { getLimitsOverview } from "@/lib/limits/limits-screen";
import { now } from "@/lib/server/clock";
import { db } from "@/lib/server/db";

export const metadata = { title: "Limits" };

export default async function Page() {
  const actor = await requirePage(screenPermissions("/limits"));
  const client = new QueryClient();
  await client.prefetchQuery({
    queryKey: queryKeys.limits(),
    queryFn: async () => serialize(await getLimitsOverview(db(), actor, now())),
  });
  return (
    <HydrationBoundary state={dehydrate(client)}>
      <LimitsView />
    </HydrationBoundary>
  );
}
