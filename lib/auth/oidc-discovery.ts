/**
 * The provider's discovery document (/.well-known/openid-configuration): checked at start-up
 * (lib/auth/startup.ts) with a clear message, and kept for RP-initiated logout (its
 * end_session_endpoint). next-auth reads it again on every sign-in through openid-client.
 */
import { normalizeIssuer } from "./oidc-config";
import { wellKnownUrl } from "./oidc-provider";

export interface DiscoveryDocument {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
  userinfo_endpoint?: string;
  end_session_endpoint?: string;
}

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

function endpointProblem(name: string, value: unknown, allowHttp: boolean): string | null {
  if (typeof value !== "string" || !value) return `it has no ${name}`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `its ${name} "${value}" is not a URL`;
  }
  if (url.protocol === "https:") return null;
  if (url.protocol === "http:" && allowHttp && LOOPBACK.has(url.hostname)) return null;
  return `its ${name} ${value} is not https`;
}

const list = (v: unknown): string[] | null =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : null;

/**
 * What makes a discovery document unusable for this configuration (problems: the server must
 * not start), and what it cannot do (notes: logged at start-up).
 */
export function checkDiscoveryDocument(
  doc: unknown,
  configured: { issuer: string; allowHttp: boolean },
): { problems: string[]; notes: string[]; document: DiscoveryDocument | null } {
  const where = wellKnownUrl(configured.issuer);
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) {
    return {
      problems: [`the discovery document at ${where} is not a JSON object: check OIDC_ISSUER.`],
      notes: [],
      document: null,
    };
  }
  const d = doc as Record<string, unknown>;
  const problems: string[] = [];
  const notes: string[] = [];
  if (typeof d.issuer !== "string") {
    problems.push(`the discovery document at ${where} names no issuer: check OIDC_ISSUER.`);
  } else if (normalizeIssuer(d.issuer) !== configured.issuer) {
    const template = /\{tenant(id)?\}/i.test(d.issuer)
      ? " (a multi-tenant Entra ID endpoint such as /common or /organizations: use https://login.microsoftonline.com/<your tenant id>/v2.0)"
      : "";
    problems.push(
      `the provider says its issuer is "${d.issuer}" but OIDC_ISSUER is "${configured.issuer}"${template}: set OIDC_ISSUER to the provider's issuer exactly, or ID tokens will be refused.`,
    );
  }
  const http = configured.allowHttp && configured.issuer.startsWith("http:");
  for (const name of ["authorization_endpoint", "token_endpoint", "jwks_uri"]) {
    const p = endpointProblem(name, d[name], http);
    if (p) problems.push(`the discovery document at ${where}: ${p}.`);
  }
  const responseTypes = list(d.response_types_supported);
  if (responseTypes && !responseTypes.some((t) => t.split(" ").includes("code"))) {
    problems.push(
      `the provider does not offer the authorization code flow (response_types_supported: ${responseTypes.join(", ")}).`,
    );
  }
  const authMethods = list(d.token_endpoint_auth_methods_supported);
  if (authMethods && !authMethods.includes("client_secret_basic")) {
    problems.push(
      `the provider does not accept client_secret_basic at its token endpoint (it offers ${authMethods.join(", ")}).`,
    );
  }
  const pkce = list(d.code_challenge_methods_supported);
  if (pkce && !pkce.includes("S256"))
    problems.push(
      `the provider does not support PKCE with S256 (code_challenge_methods_supported: ${pkce.join(", ")}).`,
    );
  if (d.userinfo_endpoint === undefined)
    notes.push("no userinfo_endpoint: email and email_verified must be in the ID token");
  else if (endpointProblem("userinfo_endpoint", d.userinfo_endpoint, http))
    problems.push(
      `the discovery document at ${where}: ${endpointProblem("userinfo_endpoint", d.userinfo_endpoint, http)}.`,
    );
  if (d.end_session_endpoint === undefined)
    notes.push(
      "no end_session_endpoint: sign-out ends the Allotment session only, not the provider's",
    );
  else if (endpointProblem("end_session_endpoint", d.end_session_endpoint, http))
    problems.push(
      `the discovery document at ${where}: ${endpointProblem("end_session_endpoint", d.end_session_endpoint, http)}.`,
    );
  return {
    problems,
    notes,
    document: problems.length ? null : (d as unknown as DiscoveryDocument),
  };
}

export type DiscoveryResult =
  | { kind: "ok"; document: DiscoveryDocument; notes: string[]; attempts: number }
  | { kind: "bad"; problems: string[] }
  | { kind: "unreachable"; error: string; attempts: number };

export interface FetchDiscoveryOptions {
  /** waits before the 2nd, 3rd … attempt (a provider starting at the same moment gets ~15 s) */
  delaysMs?: number[];
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}

const DEFAULT_DELAYS = [500, 1000, 2000, 4000, 8000];

function networkWord(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
  if (cause && typeof cause.code === "string") return cause.code;
  if (error instanceof Error && error.name === "TimeoutError") return "timeout";
  return error instanceof Error ? error.message.slice(0, 120) : "network error";
}

/**
 * Reads and checks the discovery document, retrying while the provider cannot be reached or
 * answers 5xx (a provider starting next to Allotment); a wrong answer is not retried.
 */
export async function fetchDiscovery(
  configured: { issuer: string; allowHttp: boolean },
  opts: FetchDiscoveryOptions = {},
): Promise<DiscoveryResult> {
  const delays = opts.delaysMs ?? DEFAULT_DELAYS;
  const doFetch = opts.fetchImpl ?? fetch;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const url = wellKnownUrl(configured.issuer);
  let last = "network error";
  for (let attempt = 1; attempt <= delays.length + 1; attempt++) {
    if (attempt > 1) await sleep(delays[attempt - 2]!);
    try {
      const res = await doFetch(url, {
        headers: { accept: "application/json" },
        redirect: "manual",
        signal: AbortSignal.timeout(opts.timeoutMs ?? 5000),
      });
      if (res.status >= 500) {
        last = `HTTP ${res.status}`;
        continue;
      }
      if (res.status !== 200)
        return {
          kind: "bad",
          problems: [
            `the discovery document at ${url} answered HTTP ${res.status}: check OIDC_ISSUER (it must be the provider's issuer, e.g. https://<org>.okta.com/oauth2/default, https://login.microsoftonline.com/<tenant id>/v2.0 or https://accounts.google.com).`,
          ],
        };
      const body = await res.json().catch(() => null);
      const checked = checkDiscoveryDocument(body, configured);
      if (!checked.document) return { kind: "bad", problems: checked.problems };
      return { kind: "ok", document: checked.document, notes: checked.notes, attempts: attempt };
    } catch (error) {
      last = networkWord(error);
    }
  }
  return { kind: "unreachable", error: last, attempts: delays.length + 1 };
}

const CACHE_MS = 10 * 60_000;
const g = globalThis as unknown as {
  allotmentDiscovery?: { issuer: string; document: DiscoveryDocument; at: number };
};

/** The checked discovery document, cached for ten minutes; null when it cannot be read now. */
export async function discoveryFor(configured: {
  issuer: string;
  allowHttp: boolean;
}): Promise<DiscoveryDocument | null> {
  const hit = g.allotmentDiscovery;
  if (hit && hit.issuer === configured.issuer && Date.now() - hit.at < CACHE_MS)
    return hit.document;
  const result = await fetchDiscovery(configured, { delaysMs: [], timeoutMs: 4000 });
  if (result.kind !== "ok") return null;
  g.allotmentDiscovery = { issuer: configured.issuer, document: result.document, at: Date.now() };
  return result.document;
}

/** Remembers a document read at start-up. */
export function rememberDiscovery(issuer: string, document: DiscoveryDocument): void {
  g.allotmentDiscovery = { issuer, document, at: Date.now() };
}
