import { json, sessionRoute } from "@/lib/auth/guards";
import { readJsonBody } from "@/lib/http/read-json";
import { requireKnownProducts } from "@/lib/products/load-known-products";
import { fileRequest } from "@/lib/requests/file-request";
import { getRequestsPage, queueFiltersSchema } from "@/lib/requests/page-data";
import { fileRequestSchema } from "@/lib/requests/request-input";
import { now } from "@/lib/server/clock";
import { db } from "@/lib/server/db";

export const GET = sessionRoute(["requests:create"], async (req, { actor }) => {
  const sp = new URL(req.url).searchParams;
  const filters = queueFiltersSchema.parse({
    status: sp.get("status") || undefined,
    groupId: sp.get("groupId") || undefined,
    product: sp.get("product") ?? undefined,
  });
  return json(await getRequestsPage(db(), actor, filters, now()));
});

export const POST = sessionRoute(["requests:create"], async (req, { actor }) => {
  const input = await readJsonBody(req, fileRequestSchema);
  await requireKnownProducts(db(), actor.workspaceId, [
    { path: ["product"], value: input.product },
  ]);
  return json(await fileRequest(db(), actor, input, now()), { status: 201 });
});
