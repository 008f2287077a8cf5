/**
 * What Allotment reads from an OpenID Connect sign-in, as pure functions: the ID token's claims
 * merged with the UserInfo response (OIDC Core §5.4 lets a provider put email and
 * email_verified in either), the "is this email verified" rule, and provider groups → roles.
 */
import { ROLES, type Role } from "./permissions";

export type Claims = Record<string, unknown>;

/** Claims that describe the token itself, never taken from UserInfo. */
const PROTOCOL_CLAIMS = new Set([
  "iss",
  "sub",
  "aud",
  "exp",
  "iat",
  "nbf",
  "nonce",
  "azp",
  "auth_time",
  "acr",
  "amr",
  "at_hash",
  "c_hash",
  "sid",
  "jti",
]);

export interface ClaimNeeds {
  verifiedClaim: string | null;
  groupsClaim: string | null;
}

/** True when the ID token lacks something Allotment reads, so UserInfo must be asked. */
export function needsUserinfo(idClaims: Claims, needs: ClaimNeeds): boolean {
  if (typeof idClaims.email !== "string") return true;
  if (!("email_verified" in idClaims) && !(needs.verifiedClaim && needs.verifiedClaim in idClaims))
    return true;
  if (needs.groupsClaim && !(needs.groupsClaim in idClaims)) return true;
  return false;
}

export class ClaimsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ClaimsError";
  }
}

/**
 * One set of claims from the ID token and the UserInfo response.
 * - `sub` and the protocol claims come from the ID token (verified signature, audience, nonce);
 *   a UserInfo `sub` that differs refuses the sign-in (OIDC Core §5.3.2).
 * - The email and its verification travel as a pair: they come from the source that carries
 *   the email (the ID token first). A verification flag from the other source counts only when
 *   that source names the very same address, so a flag can never vouch for another address.
 * - Anything else the ID token lacks is filled from UserInfo.
 */
export function mergeClaims(idClaims: Claims, userinfo: Claims | null, needs: ClaimNeeds): Claims {
  if (typeof idClaims.sub !== "string" || idClaims.sub === "")
    throw new ClaimsError("the ID token has no sub claim");
  if (userinfo && userinfo.sub !== idClaims.sub)
    throw new ClaimsError("the UserInfo response is about another subject than the ID token");
  const ui = userinfo ?? {};
  const merged: Claims = { ...idClaims };
  for (const [k, v] of Object.entries(ui)) {
    if (PROTOCOL_CLAIMS.has(k) || k in merged) continue;
    merged[k] = v;
  }
  const verification = ["email_verified", ...(needs.verifiedClaim ? [needs.verifiedClaim] : [])];
  const emailSource =
    typeof idClaims.email === "string" ? idClaims : typeof ui.email === "string" ? ui : null;
  const other = emailSource === idClaims ? ui : idClaims;
  for (const claim of verification) delete merged[claim];
  if (emailSource) {
    merged.email = emailSource.email;
    const sameAddress =
      typeof other.email === "string" &&
      other.email.toLowerCase() === (emailSource.email as string).toLowerCase();
    for (const claim of verification) {
      if (claim in emailSource) merged[claim] = emailSource[claim];
      else if (sameAddress && claim in other) merged[claim] = other[claim];
    }
  }
  return merged;
}

function isTrue(value: unknown): boolean {
  // a boolean per the specification; some providers (e.g. Cognito) send the string "true"
  return value === true || value === "true";
}

/**
 * The email is verified when `email_verified` is true, or — only when an administrator named
 * one — when that provider-specific claim is true (e.g. Entra ID's `xms_edov`). There is no
 * setting that skips the check.
 */
export function isEmailVerified(claims: Claims, verifiedClaim: string | null): boolean {
  if (typeof claims.email !== "string" || claims.email === "") return false;
  if (isTrue(claims.email_verified)) return true;
  return verifiedClaim !== null && isTrue(claims[verifiedClaim]);
}

/** The lower-cased email the claims name, or null. */
export function emailOf(claims: Claims): string | null {
  return typeof claims.email === "string" && claims.email.includes("@")
    ? claims.email.trim().toLowerCase()
    : null;
}

/** A readable name for a new audit line: name, else the email, else the subject. */
export function displayNameOf(claims: Claims): string | null {
  if (typeof claims.name === "string" && claims.name.trim()) return claims.name.trim();
  return emailOf(claims);
}

/**
 * The provider groups in the configured claim: an array of strings (Okta, Entra ID, Keycloak)
 * or one string. null when the claim is absent — nothing is known, so nothing is changed
 * (Entra ID leaves it out past 200 groups; Okta when no group matches its filter).
 */
export function groupsFromClaims(claims: Claims, groupsClaim: string | null): string[] | null {
  if (!groupsClaim || !(groupsClaim in claims)) return null;
  const value = claims[groupsClaim];
  const list = Array.isArray(value) ? value : typeof value === "string" ? [value] : null;
  if (list === null) return null;
  const names = list
    .filter((g): g is string => typeof g === "string")
    .map((g) => g.trim())
    .filter((g) => g !== "" && g.length <= 200);
  return [...new Set(names)].slice(0, 1000);
}

/** Most powerful first: a person in several mapped groups gets the strongest role. */
const ROLE_RANK: Record<Role, number> = { OWNER: 0, ADMIN: 1, FINANCE: 2, MEMBER: 3 };

/**
 * The role the provider's groups give, by OIDC_ROLE_MAP: the most powerful mapped role, MEMBER
 * when none of the groups is mapped. null when roles are not managed (no map, or no groups
 * claim in this sign-in).
 */
export function roleFromGroups(
  groups: string[] | null,
  roleMap: ReadonlyMap<string, Role>,
): Role | null {
  if (groups === null || roleMap.size === 0) return null;
  let best: Role = "MEMBER";
  for (const g of groups) {
    const role = roleMap.get(g.toLowerCase());
    if (role && ROLE_RANK[role] < ROLE_RANK[best]) best = role;
  }
  return best;
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
