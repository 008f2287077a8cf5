/**
 * Single sign-on settings as the rest of the app uses them, and the pure checks the server
 * runs on them at start-up (lib/auth/startup.ts). No I/O here beyond reading the validated env.
 */
import { env } from "../server/env";
import { ROLES, type Role } from "./permissions";

/** The MemberIdentity kind of an OpenID Connect subject (provider = the issuer). */
export const OIDC_SUB_KIND = "oidc_sub";

/** Hosts for which ALLOTMENT_OIDC_ALLOW_HTTP may allow a plain-http issuer. */
const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** The issuer without a trailing slash (how it is compared with the discovery document's). */
export function normalizeIssuer(issuer: string): string {
  return issuer.trim().replace(/\/+$/, "");
}

/**
 * Why an OIDC_ISSUER cannot be used, or null. It must be an absolute https URL without query
 * or fragment; outside demo mode plain http is refused unless ALLOTMENT_OIDC_ALLOW_HTTP is set
 * and the host is the machine itself (a provider for tests or a local development server).
 */
export function issuerProblem(
  issuer: string,
  opts: { demoMode: boolean; allowHttp: boolean },
): string | null {
  const text = issuer.trim();
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    return `OIDC_ISSUER "${text}" is not an absolute URL (no scheme): give the provider's issuer with https://, e.g. https://login.example.com/oauth2/default.`;
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `OIDC_ISSUER "${text}" is not an absolute URL: give the provider's issuer with its scheme, e.g. https://login.example.com/oauth2/default.`;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return `OIDC_ISSUER "${text}" is not an http(s) URL: give the provider's issuer, e.g. https://login.example.com/oauth2/default.`;
  }
  if (!url.hostname || !/^https?:\/\//i.test(text)) {
    return `OIDC_ISSUER "${text}" is not an absolute URL: give the provider's issuer with its scheme, e.g. https://login.example.com/oauth2/default.`;
  }
  if (url.search || url.hash || url.username || url.password) {
    return `OIDC_ISSUER "${text}" must not carry a query, a fragment or credentials.`;
  }
  if (url.protocol === "http:" && !opts.demoMode) {
    if (!opts.allowHttp) {
      return `OIDC_ISSUER "${text}" uses plain http: sign-in tokens would cross the network unencrypted. Use the provider's https issuer (ALLOTMENT_OIDC_ALLOW_HTTP=1 allows http for a provider on localhost only).`;
    }
    if (!LOOPBACK_HOSTS.has(url.hostname)) {
      return `OIDC_ISSUER "${text}" uses plain http on ${url.hostname}: ALLOTMENT_OIDC_ALLOW_HTTP only allows http for localhost, 127.0.0.1 and [::1].`;
    }
  }
  return null;
}

/** A claim name as it may appear in a token: no spaces or quotes, not absurdly long. */
const CLAIM_NAME = /^[A-Za-z0-9_.:/-]{1,100}$/;

export function claimNameProblem(variable: string, value: string): string | null {
  if (!CLAIM_NAME.test(value))
    return `${variable} "${value}" is not a claim name (letters, digits and _ . : / - only).`;
  return null;
}

/** OIDC_ROLE_MAP "provider-group=ROLE,…" → entries; problems name the bad parts. */
export function parseRoleMap(text: string | undefined): {
  map: Map<string, Role>;
  problems: string[];
} {
  const map = new Map<string, Role>();
  const problems: string[] = [];
  for (const raw of (text ?? "").split(",")) {
    const part = raw.trim();
    if (!part) continue;
    const at = part.lastIndexOf("=");
    const group = at > 0 ? part.slice(0, at).trim() : "";
    const role =
      at > 0
        ? part
            .slice(at + 1)
            .trim()
            .toUpperCase()
        : "";
    if (!group || !role) {
      problems.push(`OIDC_ROLE_MAP entry "${part}" is not group=ROLE.`);
    } else if (!(ROLES as readonly string[]).includes(role)) {
      problems.push(`OIDC_ROLE_MAP entry "${part}": ${role} is not a role (${ROLES.join(", ")}).`);
    } else if (map.has(group.toLowerCase())) {
      problems.push(`OIDC_ROLE_MAP names the group "${group}" twice.`);
    } else {
      map.set(group.toLowerCase(), role as Role);
    }
  }
  return { map, problems };
}

/** The single sign-on settings in force (null = single sign-on is off). */
export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  displayName: string;
  scopes: string;
  /** a claim that also proves the email, e.g. Entra ID's xms_edov; email_verified is always honoured */
  verifiedClaim: string | null;
  /** the claim listing the person's provider groups; null = groups are not read */
  groupsClaim: string | null;
  /** lower-cased provider group → Allotment role (empty = roles are not changed at sign-in) */
  roleMap: Map<string, Role>;
  /** http allowed for a loopback issuer (tests, local development) */
  allowHttp: boolean;
}

export interface OidcEnv {
  OIDC_ISSUER?: string;
  OIDC_CLIENT_ID?: string;
  OIDC_CLIENT_SECRET?: string;
  OIDC_DISPLAY_NAME: string;
  OIDC_SCOPES: string;
  OIDC_EMAIL_VERIFIED_CLAIM?: string;
  OIDC_GROUPS_CLAIM?: string;
  OIDC_ROLE_MAP?: string;
  ALLOTMENT_OIDC_ALLOW_HTTP: boolean;
  ALLOTMENT_DEMO_MODE: boolean;
}

export function oidcSettingsFrom(e: OidcEnv): OidcSettings | null {
  if (!e.OIDC_ISSUER || !e.OIDC_CLIENT_ID || !e.OIDC_CLIENT_SECRET) return null;
  return {
    issuer: normalizeIssuer(e.OIDC_ISSUER),
    clientId: e.OIDC_CLIENT_ID,
    clientSecret: e.OIDC_CLIENT_SECRET,
    displayName: e.OIDC_DISPLAY_NAME,
    scopes: e.OIDC_SCOPES,
    verifiedClaim: e.OIDC_EMAIL_VERIFIED_CLAIM || null,
    groupsClaim: e.OIDC_GROUPS_CLAIM || null,
    roleMap: parseRoleMap(e.OIDC_ROLE_MAP).map,
    allowHttp: e.ALLOTMENT_OIDC_ALLOW_HTTP,
  };
}

/** Everything wrong with the single sign-on settings (lib/auth/startup.ts startupProblems). */
export function oidcProblems(e: OidcEnv): string[] {
  const problems: string[] = [];
  if (e.OIDC_ISSUER) {
    const p = issuerProblem(e.OIDC_ISSUER, {
      demoMode: e.ALLOTMENT_DEMO_MODE,
      allowHttp: e.ALLOTMENT_OIDC_ALLOW_HTTP,
    });
    if (p) problems.push(p);
  }
  if (!e.OIDC_SCOPES.split(/\s+/).includes("openid"))
    problems.push(`OIDC_SCOPES "${e.OIDC_SCOPES}" must include openid.`);
  if (e.OIDC_EMAIL_VERIFIED_CLAIM) {
    const p = claimNameProblem("OIDC_EMAIL_VERIFIED_CLAIM", e.OIDC_EMAIL_VERIFIED_CLAIM);
    if (p) problems.push(p);
    else if (["email", "sub", "email_verified"].includes(e.OIDC_EMAIL_VERIFIED_CLAIM)) {
      problems.push(
        `OIDC_EMAIL_VERIFIED_CLAIM names "${e.OIDC_EMAIL_VERIFIED_CLAIM}": it is for a provider's own verification claim (e.g. xms_edov); email_verified is always honoured.`,
      );
    }
  }
  if (e.OIDC_GROUPS_CLAIM) {
    const p = claimNameProblem("OIDC_GROUPS_CLAIM", e.OIDC_GROUPS_CLAIM);
    if (p) problems.push(p);
  }
  if (e.OIDC_ROLE_MAP) {
    problems.push(...parseRoleMap(e.OIDC_ROLE_MAP).problems);
    if (!e.OIDC_GROUPS_CLAIM)
      problems.push(
        "OIDC_ROLE_MAP is set but OIDC_GROUPS_CLAIM is not: roles come from the groups claim.",
      );
  }
  return problems;
}

/** Single sign-on as configured (null = off). Start-up has checked it (lib/auth/startup.ts). */
export function oidcSettings(): OidcSettings | null {
  return oidcSettingsFrom(env());
}
