/**
 * One guard per entry type — pages and route handlers (the app has no server actions: Next
 * answers a malformed action request with its own 500) — all asking the same permission
 * table and all re-checking on the server for every call.
 */
import "server-only";

import { getServerSession } from "next-auth";
import { forbidden, notFound, redirect } from "next/navigation";
import { NextResponse } from "next/server";
import { ZodError } from "zod";

import {
  ConflictError,
  ForbiddenError,
  HttpInputError,
  InvalidInputError,
  NotFoundError,
} from "../core/errors";
import { toJsonText } from "../core/json";
import { crossSiteRefusalFor } from "../http/origin";
import { requireJsonIfTyped } from "../http/read-json";
import { db } from "../server/db";
import { env } from "../server/env";
import { loadActor, type Actor } from "./actor";
import { authOptions } from "./options";
import { canAny, type Permission } from "./permissions";
import { isSessionLive } from "./sessions";

export async function currentActor(): Promise<Actor | null> {
  const session = await getServerSession(authOptions());
  if (!session?.memberId || !session.sessionId) return null;
  // a signed-out or revoked session is over even while its cookie has not expired
  if (!(await isSessionLive(db(), session.sessionId, session.memberId))) return null;
  return loadActor(db(), session.memberId);
}

/** Pages: redirect to sign-in when signed out, 403 page without any of the permissions. */
export async function requirePage(anyOf: readonly Permission[] = []): Promise<Actor> {
  const actor = await currentActor();
  if (!actor) redirect("/signin");
  if (anyOf.length && !canAny(actor, anyOf)) forbidden();
  return actor;
}

/** Pages: turns domain "not found"/"forbidden" errors into the 404/403 pages. */
export async function pageData<T>(load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (error instanceof NotFoundError) notFound();
    if (error instanceof ForbiddenError) forbidden();
    throw error;
  }
}

/** JSON with bigint as decimal strings. */
/** Headers of every JSON answer (the gateway listener sends them too). */
export const JSON_HEADERS = {
  "content-type": "application/json; charset=utf-8",
  "cache-control": "no-store",
} as const;

export function json(body: unknown, init?: ResponseInit): NextResponse {
  return new NextResponse(toJsonText(body), {
    ...init,
    headers: { ...JSON_HEADERS, ...init?.headers },
  });
}

/** A JSON answer before it becomes a Response (the gateway listener writes it directly). */
export interface JsonAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** Domain and validation errors → status and a message that names the field. */
export function errorAnswer(error: unknown): JsonAnswer {
  if (error instanceof ZodError) {
    const issues = error.issues.map((i) => ({ field: i.path.join("."), message: i.message }));
    return {
      status: 400,
      body: {
        error: `Invalid ${issues[0]?.field || "input"}: ${issues[0]?.message ?? "bad input"}`,
        issues,
      },
    };
  }
  if (error instanceof InvalidInputError)
    return { status: 400, body: { error: error.message, field: error.field } };
  if (error instanceof HttpInputError)
    return { status: error.status, body: { error: error.message } };
  if (error instanceof NotFoundError) return { status: 404, body: { error: "Not found" } };
  if (error instanceof ForbiddenError) return { status: 403, body: { error: error.message } };
  if (error instanceof ConflictError) return { status: 409, body: { error: error.message } };
  console.error("[api] unexpected error:", error instanceof Error ? error.message : "unknown");
  return { status: 500, body: { error: "Something went wrong on the server" } };
}

export function answerResponse(a: JsonAnswer): NextResponse {
  return json(a.body, { status: a.status, headers: a.headers });
}

export function errorResponse(error: unknown): NextResponse {
  return answerResponse(errorAnswer(error));
}

type RouteContext = { params: Promise<Record<string, string | string[]>> };

/**
 * The boundary every cookie-authenticated request crosses first: a state-changing request
 * the browser marks as cross-site is refused (403, lib/http/origin.ts), and one whose
 * Content-Type is present and not JSON is refused (415) — bodies are read by
 * lib/http/read-json.ts. Throws HttpInputError.
 */
export function checkSessionRequest(req: Request): void {
  const refusal = crossSiteRefusalFor(req, env().NEXTAUTH_URL);
  if (refusal) throw new HttpInputError(403, refusal);
  requireJsonIfTyped(req.method, req.headers.get("content-type"));
}

/**
 * Route handlers used by the signed-in UI: 403 cross-site / 415 non-JSON for state-changing
 * methods (checkSessionRequest), 401 signed out, 403 without permission.
 */
export function sessionRoute(
  anyOf: readonly Permission[],
  handler: (
    req: Request,
    ctx: { actor: Actor; params: Record<string, string | string[]> },
  ) => Promise<Response>,
) {
  return async (req: Request, context: RouteContext): Promise<Response> => {
    try {
      checkSessionRequest(req);
      const actor = await currentActor();
      if (!actor) return json({ error: "Sign in first" }, { status: 401 });
      if (anyOf.length && !canAny(actor, anyOf))
        return json({ error: "You do not have permission to do this" }, { status: 403 });
      return await handler(req, { actor, params: (await context.params) ?? {} });
    } catch (error) {
      return errorResponse(error);
    }
  };
}
