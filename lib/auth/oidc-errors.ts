/**
 * Why a single sign-on attempt failed, in words a person and an administrator can act on.
 * next-auth reports every provider failure as one of three codes (OAuthSignin, OAuthCallback,
 * Callback); its logger sees the actual error, and classifyProviderError turns that into one of
 * the kinds below. Pure: no I/O, and nothing here ever keeps a token, a code or a state value.
 */

/** Failures at or with the provider (nobody is known yet). */
export const PROVIDER_FAILURES = [
  "cancelled",
  "provider_unreachable",
  "client_misconfigured",
  "security_check_failed",
  "provider_error",
] as const;
export type ProviderFailureKind = (typeof PROVIDER_FAILURES)[number];

/** Refusals after the provider said who it is. */
export const SIGNIN_REFUSALS = [
  "not_a_member",
  "email_unverified",
  "email_missing",
  "identity_conflict",
  "member_inactive",
] as const;
export type SignInRefusal = (typeof SIGNIN_REFUSALS)[number];

export type AuthFailureKind = ProviderFailureKind | SignInRefusal | "server_error";

export interface ProviderFailure {
  kind: ProviderFailureKind | "server_error";
  /** the OAuth error code or a short technical word (never a token, a code or a state value) */
  detail: string;
}

/** OAuth 2.0 / OIDC error codes (RFC 6749 §4.1.2.1, §5.2; OIDC Core §3.1.2.6) and what they mean here. */
const OAUTH_ERRORS: Record<string, ProviderFailureKind> = {
  access_denied: "cancelled",
  login_required: "cancelled",
  consent_required: "cancelled",
  interaction_required: "cancelled",
  account_selection_required: "cancelled",
  invalid_client: "client_misconfigured",
  unauthorized_client: "client_misconfigured",
  invalid_request: "client_misconfigured",
  invalid_scope: "client_misconfigured",
  unsupported_response_type: "client_misconfigured",
  unsupported_grant_type: "client_misconfigured",
  invalid_request_uri: "client_misconfigured",
  invalid_grant: "security_check_failed",
  invalid_token: "security_check_failed",
  server_error: "provider_error",
  temporarily_unavailable: "provider_unreachable",
};

const NETWORK =
  /\b(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EPIPE|UND_ERR_\w+|CERT_\w+|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE)\b|timed out|socket hang up|fetch failed|network/i;
const SECURITY =
  /state mismatch|nonce mismatch|checks\.(state|nonce|code_verifier)|state cookie|code_verifier|pkce|could not be parsed|created for a different provider|iss mismatch|aud mismatch|azp mismatch|unexpected iss|jwt expired|jwt issued in the future|jwt not active yet|signature|auth_time|id_token .* missing|missing required jwt property|at_hash|c_hash|sub mismatch|unexpected algorithm|no valid key found/i;
const MISCONFIGURED =
  /expected 200 OK, got: 40[0-9]|invalid_client|client authentication|redirect_uri|not a valid discovery|issuer|discovery|expected 200 OK/i;

interface LoggedError {
  name?: unknown;
  message?: unknown;
  code?: unknown;
}

function asError(value: unknown): LoggedError | null {
  return value && typeof value === "object" ? (value as LoggedError) : null;
}

/** The OAuth error code at the start of an openid-client OPError message ("invalid_client (…)"). */
function oauthCodeOf(message: string): string | null {
  const m = /^([a-z_]{3,40})(?:\s|$|\()/.exec(message.trim());
  return m && m[1]! in OAUTH_ERRORS ? m[1]! : null;
}

function classifyMessage(message: string, code: string): ProviderFailure {
  const oauth = oauthCodeOf(message);
  if (oauth) return { kind: OAUTH_ERRORS[oauth]!, detail: oauth };
  if (NETWORK.test(message) || NETWORK.test(code)) {
    const word =
      /(E[A-Z_]{3,}|UND_ERR_\w+)/.exec(`${code} ${message}`)?.[1] ??
      (/timed out/i.test(message) ? "timeout" : "network error");
    return { kind: "provider_unreachable", detail: word };
  }
  const http5xx = /expected 200 OK, got: (5\d\d)/.exec(message)?.[1];
  if (http5xx)
    return {
      kind: ["502", "503", "504"].includes(http5xx) ? "provider_unreachable" : "provider_error",
      detail: `HTTP ${http5xx} from the provider`,
    };
  if (SECURITY.test(message)) {
    const word = /nonce/i.test(message)
      ? "nonce"
      : /state/i.test(message)
        ? "state"
        : /code_verifier|pkce/i.test(message)
          ? "pkce"
          : "id_token";
    return { kind: "security_check_failed", detail: `${word} check failed` };
  }
  if (MISCONFIGURED.test(message)) {
    const status = /expected 200 OK, got: (\d{3})/.exec(message)?.[1];
    return {
      kind: "client_misconfigured",
      detail: status ? `HTTP ${status} from the provider` : "provider configuration",
    };
  }
  return { kind: "provider_error", detail: "unexpected provider response" };
}

/**
 * next-auth's logger.error(code, metadata) → what went wrong, or null for codes that are not
 * about a sign-in with the provider (session cookie noise and the like).
 */
export function classifyProviderError(code: string, metadata: unknown): ProviderFailure | null {
  const meta = asError(metadata) as
    (LoggedError & { error?: unknown; providerId?: unknown; error_description?: unknown }) | null;
  const inner = asError(meta?.error) ?? meta;
  const message = typeof inner?.message === "string" ? inner.message : "";
  const errCode = typeof inner?.code === "string" ? inner.code : "";
  switch (code) {
    case "OAUTH_CALLBACK_HANDLER_ERROR":
      // the provider sent ?error=… back (has providerId), or one of our callbacks threw after it
      if (meta && "providerId" in meta) {
        const oauth = /^[a-z_]{3,40}$/.test(message) ? message : null;
        if (oauth) return { kind: OAUTH_ERRORS[oauth] ?? "provider_error", detail: oauth };
        return { kind: "provider_error", detail: "error response" };
      }
      return { kind: "server_error", detail: "sign-in callback failed" };
    case "SIGNIN_OAUTH_ERROR":
    case "OAUTH_CALLBACK_ERROR":
    case "OAUTH_PARSE_PROFILE_ERROR":
    case "OAUTH_GET_ACCESS_TOKEN_ERROR":
    case "OAUTH_V1_GET_ACCESS_TOKEN_ERROR":
      if (code === "OAUTH_PARSE_PROFILE_ERROR")
        return { kind: "provider_error", detail: "claims unreadable" };
      if (
        /^ClaimsError$/.test(String(inner?.name ?? "")) ||
        /the ID token has no sub|another subject/.test(message)
      ) {
        return { kind: "security_check_failed", detail: "subject check failed" };
      }
      return classifyMessage(message, errCode);
    default:
      return null;
  }
}

/** What the error page says, and what it tells an administrator to look at. */
export interface AuthFailureText {
  title: string;
  body: string;
  admin: string;
}

export const AUTH_FAILURE_TEXT: Record<AuthFailureKind, AuthFailureText> = {
  cancelled: {
    title: "Sign-in was cancelled",
    body: "The sign-in provider reported that the sign-in was cancelled or not allowed, so you are not signed in. You can start again.",
    admin:
      "If the person did not cancel: check that they are assigned to the Allotment application at the provider (Okta and Entra ID answer access_denied for people who are not assigned) and that consent for the openid, email and profile scopes is granted.",
  },
  provider_unreachable: {
    title: "The sign-in provider could not be reached",
    body: "Allotment could not talk to your organisation's sign-in provider. Nothing is wrong with your account; try again in a few minutes.",
    admin:
      "Check that the Allotment server can reach OIDC_ISSUER over the network (DNS, firewall, outbound proxy, TLS certificates) and that the provider is up. The server log has an [auth] line with the network error.",
  },
  client_misconfigured: {
    title: "Single sign-on is not set up correctly",
    body: "The sign-in provider did not accept Allotment's sign-in request. This needs an administrator; trying again will not help.",
    admin:
      "Check OIDC_CLIENT_ID and OIDC_CLIENT_SECRET (client secrets expire — Entra ID's after at most two years), that the client authenticates with client_secret_basic and may use the authorization code grant, that the redirect URI <NEXTAUTH_URL>/api/auth/callback/oidc is registered exactly, and that OIDC_ISSUER is the provider's issuer.",
  },
  security_check_failed: {
    title: "The sign-in could not be verified",
    body: "A security check on the answer from the sign-in provider failed (its state, PKCE or nonce did not match, or it was used twice), so it was refused. Start again from the sign-in page, in a single tab.",
    admin:
      "If this keeps happening: NEXTAUTH_URL must be the exact address people open (the check cookies are bound to it), a proxy must not strip cookies, the server's clock must be right (NTP), and nobody should bookmark the provider's login page. An attacker replaying a sign-in also lands here.",
  },
  provider_error: {
    title: "The sign-in provider reported an error",
    body: "Your organisation's sign-in provider answered with an error. Try again; if it keeps failing, tell your administrator.",
    admin:
      "The server log has an [auth] line with the provider's error code; the provider's own sign-in log (system log) says more.",
  },
  not_a_member: {
    title: "You are not a member of any workspace",
    body: "You signed in at your provider, but your email is not a member of any Allotment workspace, so nothing was created for you. Ask a workspace owner to add you, then sign in again.",
    admin:
      "Add the person as a member with the email address their provider sends (the Audit page shows the refused attempt with that address).",
  },
  email_unverified: {
    title: "Your email address is not verified",
    body: "Your sign-in provider does not confirm that you own the email address on your account, so Allotment cannot tell which member you are. Verify the address at your provider, then sign in again.",
    admin:
      "Allotment only signs in addresses the provider marks email_verified=true. Okta and Google send it; for Entra ID add the xms_edov optional claim and set OIDC_EMAIL_VERIFIED_CLAIM=xms_edov. There is no setting that skips the check.",
  },
  email_missing: {
    title: "Your sign-in provider did not share your email address",
    body: "Allotment finds members by their email address, and the provider sent none. Tell your administrator.",
    admin:
      "Request the email scope (OIDC_SCOPES includes email) and make sure the provider releases the email claim in the ID token or from its UserInfo endpoint for this application.",
  },
  identity_conflict: {
    title: "This account cannot sign in as that member",
    body: "The member with your email address is already linked to a different account at your sign-in provider, so this account was refused.",
    admin:
      "Each member is bound to the provider account (issuer + subject) that first signed in. If the person's provider account was replaced, remove the member's old oidc_sub identity so the new account can link; if not, someone else's account carries this address — look at the provider.",
  },
  member_inactive: {
    title: "Your membership is deactivated",
    body: "Your Allotment membership has been deactivated, so you cannot sign in. Ask a workspace owner if this is a mistake.",
    admin:
      "Reactivate the member if they should have access; their provider account stays linked to them.",
  },
  server_error: {
    title: "Something went wrong on our side",
    body: "Allotment could not finish your sign-in. Try again in a moment.",
    admin:
      "The server log has an [auth] line for this attempt; check that the database is reachable.",
  },
};

/** Where a refused or failed sign-in is explained (app/auth-error). */
export function authErrorPath(kind: string, detail?: string | null): string {
  const d = safeDetail(detail);
  return `/auth-error?error=${encodeURIComponent(kind)}${d ? `&detail=${encodeURIComponent(d)}` : ""}`;
}

export function isAuthFailureKind(value: string): value is AuthFailureKind {
  return Object.hasOwn(AUTH_FAILURE_TEXT, value);
}

/** A failure's detail as the error page may show it: a short technical word, nothing else. */
export function safeDetail(value: unknown): string | null {
  return typeof value === "string" && /^[A-Za-z0-9_ .-]{1,40}$/.test(value) ? value : null;
}

/** Short labels for the Audit page. */
export const REASON_LABELS: Record<string, string> = {
  cancelled: "cancelled at the provider",
  provider_unreachable: "provider unreachable",
  client_misconfigured: "client misconfigured",
  security_check_failed: "security check failed",
  provider_error: "provider error",
  not_a_member: "not a member",
  email_unverified: "email not verified",
  email_missing: "no email from the provider",
  identity_conflict: "member linked to another account",
  member_inactive: "member deactivated",
  server_error: "server error",
};
