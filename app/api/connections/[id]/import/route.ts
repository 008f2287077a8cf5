import { z } from "zod";

import { auditActor } from "@/lib/auth/actor";
import { json, sessionRoute } from "@/lib/auth/guards";
import {
  importUploadedFile,
  MAX_UPLOAD_BODY_BYTES,
  uploadSchema,
} from "@/lib/connections/file-upload";
import { readJsonBody } from "@/lib/http/read-json";
import { now } from "@/lib/server/clock";
import { db } from "@/lib/server/db";

const params = z.object({ id: z.string().min(1).max(64) });

/** Imports an uploaded usage file (`{fileName, text}`) into a file connection; a bad row is a 400 naming it. */
export const POST = sessionRoute(["connections:manage"], async (req, ctx) => {
  const { id } = params.parse(ctx.params);
  const data = await readJsonBody(req, uploadSchema, { maxBytes: MAX_UPLOAD_BODY_BYTES });
  return json(
    await importUploadedFile(db(), ctx.actor.workspaceId, id, data, {
      actor: auditActor(ctx.actor),
      now: now(),
    }),
  );
});
