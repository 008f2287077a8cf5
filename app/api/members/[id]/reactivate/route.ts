import { json } from "@/lib/auth/guards";
import { readNoBody } from "@/lib/http/read-json";
import { reactivateMember } from "@/lib/people/deactivate";
import { idParam } from "@/lib/people/fields";
import { peopleRoute } from "@/lib/people/route";
import { db } from "@/lib/server/db";

export const POST = peopleRoute(["members:manage"], async (req, ctx) => {
  const { id } = idParam.parse(ctx.params);
  await readNoBody(req);
  return json(await reactivateMember(db(), ctx.actor, id));
});
