/**
 * The people routes' wrapper: the one boundary (sessionRoute: origin, JSON, session,
 * permission) and then form problems answered with every field's message (400), so a form
 * shows each next to its field, and a rejected import with every row's problem.
 */
import "server-only";

import type { Actor } from "../auth/actor";
import { json, sessionRoute } from "../auth/guards";
import type { Permission } from "../auth/permissions";
import { FieldErrors } from "./fields";
import { ImportRejected } from "./import";

export function peopleRoute(
  anyOf: readonly Permission[],
  handler: (
    req: Request,
    ctx: { actor: Actor; params: Record<string, string | string[]> },
  ) => Promise<Response>,
) {
  return sessionRoute(anyOf, async (req, ctx) => {
    try {
      return await handler(req, ctx);
    } catch (error) {
      if (error instanceof FieldErrors)
        return json(
          { error: error.message, field: error.field, issues: error.issues },
          { status: 400 },
        );
      if (error instanceof ImportRejected)
        return json(
          {
            error: error.message,
            field: "csv",
            errors: error.plan.errors,
            counts: error.plan.counts,
          },
          { status: 400 },
        );
      throw error;
    }
  });
}
