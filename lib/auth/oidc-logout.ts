/**
 * RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0): after Allotment ends its own
 * session, the browser goes to the provider's end_session_endpoint with id_token_hint and
 * post_logout_redirect_uri, so the provider's session ends too and the next sign-in asks for
 * credentials again. Providers without an end_session_endpoint (Google) end only Allotment's.
 */

/** Where the provider sends the browser back after its logout: register this URI there. */
export function postLogoutRedirectUri(origin: string): string {
  return `${origin.replace(/\/+$/, "")}/signin`;
}

export function endSessionUrl(
  endSessionEndpoint: string,
  p: { idToken: string; postLogoutRedirectUri: string; clientId: string },
): string {
  const url = new URL(endSessionEndpoint);
  url.searchParams.set("id_token_hint", p.idToken);
  url.searchParams.set("post_logout_redirect_uri", p.postLogoutRedirectUri);
  url.searchParams.set("client_id", p.clientId);
  return url.toString();
}
