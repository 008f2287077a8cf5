import { json, sessionRoute } from "@/lib/auth/guards";
import { now } from "@/lib/clock";
import { db } from "@/lib/db";
import { sendDigestsNow } from "@/lib/digest/send";
import { env } from "@/lib/env";
import { appOriginOf } from "@/lib/http/origin";
import { readNoBody } from "@/lib/http/read-json";

/** This week's manager digests, now rather than on Monday's scheduler pass (owner; audited; once per manager, week and channel). */
export const POST = sessionRoute(["settings:manage"], async (req, { actor }) => {
  await readNoBody(req);
  return json(await sendDigestsNow(db(), actor, now(), appOriginOf(req, env().NEXTAUTH_URL)));
});
