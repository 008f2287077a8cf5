/**
 * Same-origin rule for cookie-authenticated, state-changing requests (pure, unit-tested).
 * A browser tells us where a request comes from (Sec-Fetch-Site, Origin); when it says
 * "another site", the request is refused before any session is looked at. Requests with
 * neither header (curl, Playwright's APIRequestContext, server-to-server) pass this check —
 * their bodies must still be application/json, which a cross-site form or a text/plain
 * POST cannot send without a CORS preflight that this app never answers.
 */

/** Methods that never change state: no origin check. */
export const SAFE_METHODS: ReadonlySet<string> = new Set(["GET", "HEAD", "OPTIONS"]);

export function isSafeMethod(method: string): boolean {
  return SAFE_METHODS.has(method.toUpperCase());
}

function originOf(url: string): string | null {
  try {
    const u = new URL(url);
    return u.protocol === "http:" || u.protocol === "https:" ? u.origin : null;
  } catch {
    return null;
  }
}

function firstValue(header: string | null | undefined): string | null {
  const v = header?.split(",")[0]?.trim();
  return v ? v : null;
}

/**
 * The app's own origin: NEXTAUTH_URL's origin when set (production); otherwise (demo mode,
 * AUTH_TRUST_HOST) the request's own host — x-forwarded-host, else Host — with its protocol
 * (x-forwarded-proto, else the request URL's). null when it cannot be told.
 */
export function appOrigin(input: {
  nextauthUrl?: string | null;
  headers: Headers;
  requestUrl: string;
}): string | null {
  if (input.nextauthUrl) return originOf(input.nextauthUrl);
  const host =
    firstValue(input.headers.get("x-forwarded-host")) ?? firstValue(input.headers.get("host"));
  let proto =
    firstValue(input.headers.get("x-forwarded-proto"))?.replace(/:$/, "").toLowerCase() ?? null;
  if (!proto) {
    try {
      proto = new URL(input.requestUrl).protocol.replace(/:$/, "");
    } catch {
      proto = null;
    }
  }
  if (!host || (proto !== "http" && proto !== "https")) return null;
  if (/[/\\@?#\s]/.test(host)) return null;
  return originOf(`${proto}://${host}`);
}

/**
 * Why a request must be refused as cross-site, or null when it may go on. Only
 * state-changing methods are checked. Refused: Sec-Fetch-Site present and neither
 * "same-origin" nor "none" (typed URL / bookmark); Origin present and not the app's origin
 * (including "null" and an origin the app's own cannot be told for).
 */
export function crossSiteRefusal(input: {
  method: string;
  secFetchSite: string | null;
  origin: string | null;
  appOrigin: string | null;
}): string | null {
  if (isSafeMethod(input.method)) return null;
  const site = input.secFetchSite?.trim().toLowerCase();
  if (site && site !== "same-origin" && site !== "none")
    return `Cross-site request refused: this ${input.method.toUpperCase()} must come from the app itself (Sec-Fetch-Site: ${site.slice(0, 20)})`;
  if (input.origin !== null) {
    const given = originOf(input.origin.trim());
    if (!given || !input.appOrigin || given !== input.appOrigin)
      return `Cross-site request refused: Origin ${input.origin.trim().slice(0, 100) || "(empty)"} is not this app's origin`;
  }
  return null;
}

/** crossSiteRefusal for a web Request. */
export function crossSiteRefusalFor(req: Request, nextauthUrl?: string | null): string | null {
  if (isSafeMethod(req.method)) return null;
  return crossSiteRefusal({
    method: req.method,
    secFetchSite: req.headers.get("sec-fetch-site"),
    origin: req.headers.get("origin"),
    appOrigin: appOrigin({ nextauthUrl, headers: req.headers, requestUrl: req.url }),
  });
}

/** appOrigin for a web Request (links the app sends out when NEXTAUTH_URL is unset: demo mode). */
export function appOriginOf(req: Request, nextauthUrl?: string | null): string | null {
  return appOrigin({ nextauthUrl, headers: req.headers, requestUrl: req.url });
}
