/**
 * One sign-in request's context, across next-auth's internals: the client's address (for the
 * audit trail) and the provider failure next-auth's logger saw, so that the route handler
 * (lib/auth/nextauth-route.ts) can send the person to the page for that failure instead of
 * next-auth's one "OAuthCallback" code. AsyncLocalStorage, because next-auth's logger is one
 * process-wide object shared by concurrent requests.
 */
import { AsyncLocalStorage } from "node:async_hooks";

import type { LoggerInstance } from "next-auth";

import { classifyProviderError, type ProviderFailure } from "./oidc-errors";

export interface AuthRequestContext {
  clientAddress: string;
  failure: ProviderFailure | null;
}

// on globalThis: Next bundles modules more than once, and every copy must share the one store
const g = globalThis as unknown as {
  allotmentAuthRequests?: AsyncLocalStorage<AuthRequestContext>;
};
const storage = (g.allotmentAuthRequests ??= new AsyncLocalStorage<AuthRequestContext>());

export function runAuthRequest<T>(ctx: AuthRequestContext, fn: () => Promise<T>): Promise<T> {
  return storage.run(ctx, fn);
}

export function currentAuthRequest(): AuthRequestContext | null {
  return storage.getStore() ?? null;
}

/**
 * next-auth's logger. Its default prints whole error objects (which can hold the provider's
 * answer); this one prints the error code only, and hands provider failures to the request's
 * context, where the route handler logs and records them without tokens or codes.
 */
export const authLogger: Partial<LoggerInstance> = {
  error(code, metadata) {
    const failure = classifyProviderError(code, metadata);
    const ctx = currentAuthRequest();
    if (failure && ctx) {
      ctx.failure ??= failure;
      return;
    }
    console.error(
      `[auth] ${JSON.stringify({ at: new Date().toISOString(), event: "nextauth_error", code, ...(failure ?? {}) })}`,
    );
  },
  warn(code) {
    console.error(
      `[auth] ${JSON.stringify({ at: new Date().toISOString(), event: "nextauth_warning", code })}`,
    );
  },
  debug() {
    // never: debug output includes tokens
  },
};
