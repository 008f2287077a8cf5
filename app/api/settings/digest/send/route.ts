import { json, sessionRoute } from "@/lib/auth/guards";
import { sendDigestsNow } from "@/lib/digest/send";
import { appOriginOf } from "@/lib/http/origin";
import { readNoBody } from "@/lib/http/read-json";
import { now } from "@/lib/server/clock";
import { db } from "@/lib/server/db";
import { env } from "@/lib/server/env";

/** This week's manager digests, now rather than on Monday's scheduler pass (owner; audited; once per manager, week and channel). */
export const POST = sessionRoute(["settings:manage"], async (req, { actor }) => {
  await readNoBody(req);
  return json(await sendDigestsNow(db(), actor, now(), appOriginOf(req, env().NEXTAUTH_URL)));
});
