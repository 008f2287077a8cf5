import { dehydrate, HydrationBoundary, QueryClient } from "@tanstack/react-query";

import { DEFAULT_FILTERS, requestsUrl } from "@/components/requests/requests-url";
import { RequestsView } from "@/components/requests/requests-view";
import { requirePage } from "@/lib/auth/guards";
import { screenPermissions } from "@/lib/auth/permissions";
import { queryKeys } from "@/lib/client/query-keys";
import { serialize } from "@/lib/core/serialize";
import { getRequestsPage } from "@/lib/requests/page-data";
import { now } from "@/lib/server/clock";
import { db } from "@/lib/server/db";

export const metadata = { title: "Requests" };

export default async function Page() {
  const actor = await requirePage(screenPermissions("/requests"));
  const client = new QueryClient();
  await client.prefetchQuery({
    queryKey: [...queryKeys.requests(), requestsUrl(DEFAULT_FILTERS)],
    queryFn: async () =>
      serialize(await getRequestsPage(db(), actor, { status: "PENDING" }, now())),
  });
  return (
    <HydrationBoundary state={dehydrate(client)}>
      <RequestsView />
    </HydrationBoundary>
  );
}
