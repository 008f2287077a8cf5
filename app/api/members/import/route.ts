import { z } from "zod";

import { json } from "@/lib/auth/guards";
import { readJsonBody } from "@/lib/http/read-json";
import { importSchema, MAX_IMPORT_BYTES, parseFields } from "@/lib/people/fields";
import { applyImport, previewImport } from "@/lib/people/import";
import { peopleRoute } from "@/lib/people/route";
import { db } from "@/lib/server/db";

/** The people-and-groups CSV: `apply: false` answers the plan; `apply: true` writes all of it or nothing. */
export const POST = peopleRoute(["members:manage"], async (req, { actor }) => {
  const input = parseFields(
    importSchema,
    await readJsonBody(req, z.unknown(), { maxBytes: MAX_IMPORT_BYTES }),
  );
  if (!input.apply)
    return json({ applied: false, plan: await previewImport(db(), actor, input.csv) });
  return json(await applyImport(db(), actor, input.csv));
});
