/**
 * The next-auth provider for OpenID Connect single sign-on (Okta, Entra ID, Google, Keycloak,
 * panva's oidc-provider …), configured from discovery.
 *
 * next-auth's oauth provider with `idToken: true` reads only the ID token's claims and never
 * calls UserInfo. A provider on the specification's defaults puts email and email_verified in
 * the UserInfo response instead (OIDC Core §5.4), so `userinfo.request` here asks UserInfo when
 * the ID token lacks them and merges both (lib/auth/oidc-claims.ts). Checks: state, PKCE (S256)
 * and nonce; openid-client verifies the ID token (signature, iss, aud, exp, nonce) and that the
 * UserInfo `sub` is the ID token's.
 */
import type { OAuthConfig } from "next-auth/providers/oauth";
import type { TokenSet } from "openid-client";

import { mergeClaims, needsUserinfo, type Claims } from "./oidc-claims";
import type { OidcSettings } from "./oidc-config";

export const OIDC_PROVIDER_ID = "oidc";

/** Outgoing requests to the provider (discovery, token, UserInfo, JWKS) give up after this. */
export const OIDC_HTTP_TIMEOUT_MS = 8_000;

export function wellKnownUrl(issuer: string): string {
  return `${issuer}/.well-known/openid-configuration`;
}

export interface OidcProfile extends Claims {
  sub: string;
}

export function oidcProvider(s: OidcSettings): OAuthConfig<OidcProfile> {
  return {
    id: OIDC_PROVIDER_ID,
    name: s.displayName,
    type: "oauth",
    wellKnown: wellKnownUrl(s.issuer),
    clientId: s.clientId,
    clientSecret: s.clientSecret,
    client: { token_endpoint_auth_method: "client_secret_basic" },
    authorization: { params: { scope: s.scopes } },
    idToken: true,
    checks: ["pkce", "state", "nonce"],
    httpOptions: { timeout: OIDC_HTTP_TIMEOUT_MS },
    userinfo: {
      async request({ tokens: given, client }) {
        // next-auth types it as plain parameters; at run time it is openid-client's TokenSet
        const tokens = given as unknown as TokenSet;
        const idClaims = tokens.claims() as Claims;
        const needs = { verifiedClaim: s.verifiedClaim, groupsClaim: s.groupsClaim };
        let userinfo: Claims | null = null;
        if (
          client.issuer.metadata.userinfo_endpoint &&
          tokens.access_token &&
          needsUserinfo(idClaims, needs)
        ) {
          // openid-client refuses a UserInfo answer about another subject than the ID token
          userinfo = (await client.userinfo(tokens)) as Claims;
        }
        return mergeClaims(idClaims, userinfo, needs) as OidcProfile;
      },
    },
    profile(profile) {
      const email = typeof profile.email === "string" ? profile.email : null;
      const name = typeof profile.name === "string" && profile.name ? profile.name : email;
      return { id: profile.sub, email, name };
    },
  };
}
