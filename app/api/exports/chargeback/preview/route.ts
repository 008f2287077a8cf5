import { json, sessionRoute } from "@/lib/auth/guards";
import { now } from "@/lib/clock";
import { db } from "@/lib/db";
import { previewChargeback } from "@/lib/exports/export-chargeback";
import { queryFromSearchParams } from "@/lib/exports/params";

export const GET = sessionRoute(["exports:create"], async (req, { actor }) => {
  const query = queryFromSearchParams(new URL(req.url).searchParams);
  return json(await previewChargeback(db(), actor, query, now()));
});
