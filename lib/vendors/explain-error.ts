/**
 * Vendor failures in words an owner can act on: which vendor, what it answered, and what to
 * check (the key, the workspace id, the base URL) — as a 4xx InvalidInputError the screen shows,
 * never a bare 500. Keys never appear (./http.ts keeps them out of every message).
 */
import { InvalidInputError } from "../core/errors";
import { ProviderValidationError } from "../ingest/http";
import { VendorError } from "./http";
import { RateGateClosed } from "./rate-gate";

export interface VendorContext {
  vendor: string;
  baseUrl: string;
  vendorWorkspaceId?: string | null;
}

const nameOf = (v: string) =>
  v === "claude" ? "Claude" : v === "chatgpt" ? "ChatGPT" : v === "cursor" ? "Cursor" : v;

/** Turns a vendor failure into an actionable message; anything else is returned unchanged. */
export function explainVendorError(error: unknown, c: VendorContext): unknown {
  const name = c.vendor === "github" ? "GitHub" : nameOf(c.vendor);
  if (error instanceof RateGateClosed)
    return new InvalidInputError(
      `${name}: Allotment has used this minute's share of the vendor's rate limit; ${error.message}. Try again then.`,
    );
  if (error instanceof ProviderValidationError)
    return new InvalidInputError(
      `${name} answered in a shape its API reference does not show, so nothing was used: ${error.message}`,
    );
  if (!(error instanceof VendorError)) return error;
  const said = error.message;
  if (c.vendor === "github" && error.kind === "auth")
    return new InvalidInputError(
      `GitHub refused the token (${said}). Paste a token that may read Copilot seats and manage billing budgets (enterprise endpoints need a classic personal access token) with "Connect" (re-key).`,
      "apiKey",
    );
  if (c.vendor === "github" && error.kind === "not_found")
    return new InvalidInputError(
      `GitHub does not know this (${said}). Check the organization or enterprise ${c.vendorWorkspaceId ? `"${c.vendorWorkspaceId}" ` : ""}and the base URL ${c.baseUrl}.`,
      "vendorWorkspaceId",
    );
  switch (error.kind) {
    case "auth":
      return new InvalidInputError(
        `${name} refused the admin key (${said}). Paste a valid ${c.vendor === "chatgpt" ? "workspace admin key with the usage-limit, user and directory scopes" : c.vendor === "cursor" ? "Cursor Admin API key (created by a team admin; spend limits need an Enterprise team)" : "Admin API key with read:spend_limits and write:spend_limits"} with "Connect" (re-key).`,
        "apiKey",
      );
    case "not_found":
      return new InvalidInputError(
        c.vendor === "chatgpt"
          ? `ChatGPT does not know this (${said}). Check the workspace id ${c.vendorWorkspaceId ? `"${c.vendorWorkspaceId}" ` : ""}(Admin Console) and the base URL ${c.baseUrl}.`
          : `Claude answered "not found" (${said}): Claude answers 404 for an unknown or revoked admin key, or the base URL ${c.baseUrl} is not the Admin API. Check both.`,
        c.vendor === "chatgpt" ? "vendorWorkspaceId" : "apiKey",
      );
    case "rate_limited":
      return new InvalidInputError(
        `${name} is rate-limiting Allotment (${said})${error.retryAfterMs ? `: try again in ${Math.ceil(error.retryAfterMs / 1000)} s` : ": try again in a minute"}.`,
      );
    case "transient":
      return new InvalidInputError(
        error.status === null
          ? `Could not reach ${name} at ${c.baseUrl} (${said}). Check the base URL and that this server can reach it.`
          : `${name} had a server error (${said}). Nothing was changed; try again later.`,
        error.status === null ? "baseUrl" : undefined,
      );
    default:
      return new InvalidInputError(`${name} rejected the call (${said}).`);
  }
}
