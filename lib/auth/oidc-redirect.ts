/**
 * next-auth sends every failed sign-in to its own error (or sign-in) page with one generic
 * code; this sends it to /auth-error for the failure the logger classified instead. Pure.
 */
import { authErrorPath, type ProviderFailure } from "./oidc-errors";

/** next-auth's own error and sign-in pages, where it sends every failed attempt. */
function isNextAuthFailurePage(target: string, base: string): boolean {
  try {
    const url = new URL(target, base);
    return /\/api\/auth\/(error|signin)\/?$/.test(url.pathname);
  } catch {
    return false;
  }
}

/** The same response, sent to /auth-error for this failure (cookies kept). */
export async function redirectToFailurePage(
  res: Response,
  failure: ProviderFailure,
  base: string,
): Promise<Response> {
  const location = res.headers.get("location");
  if (location && isNextAuthFailurePage(location, base)) {
    const headers = new Headers(res.headers);
    headers.set(
      "location",
      new URL(authErrorPath(failure.kind, failure.detail), new URL(location, base)).toString(),
    );
    return new Response(null, { status: res.status, headers });
  }
  if ((res.headers.get("content-type") ?? "").includes("application/json")) {
    // next-auth/react posts with json=true and gets {url} instead of a redirect
    const body = (await res
      .clone()
      .json()
      .catch(() => null)) as { url?: unknown } | null;
    if (body && typeof body.url === "string" && isNextAuthFailurePage(body.url, base)) {
      const headers = new Headers(res.headers);
      headers.delete("content-length");
      return new Response(
        JSON.stringify({
          url: new URL(
            authErrorPath(failure.kind, failure.detail),
            new URL(body.url, base),
          ).toString(),
        }),
        { status: res.status, headers },
      );
    }
  }
  return res;
}
