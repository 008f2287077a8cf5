import { describe, expect, it } from "vitest";

import {
  AUTH_FAILURE_TEXT,
  authErrorPath,
  classifyProviderError,
  isAuthFailureKind,
  PROVIDER_FAILURES,
  safeDetail,
  SIGNIN_REFUSALS,
} from "./oidc-errors";
import { endSessionUrl, postLogoutRedirectUri } from "./oidc-logout";
import { redirectToFailurePage } from "./oidc-redirect";

/** What next-auth hands its logger, after its formatError: OAuthCallbackError keeps message and code. */
const wrapped = (message: string, code?: string) => ({
  error: Object.assign(new Error(message), { name: "OAuthCallbackError", code }),
  providerId: "oidc",
});

describe("provider failures, from what next-auth's logger sees", () => {
  it.each([
    // the provider sent ?error=… back to the callback
    [
      "OAUTH_CALLBACK_HANDLER_ERROR",
      {
        error: new Error("access_denied"),
        error_description: "End-User aborted interaction",
        providerId: "oidc",
      },
      "cancelled",
      "access_denied",
    ],
    [
      "OAUTH_CALLBACK_HANDLER_ERROR",
      { error: new Error("login_required"), providerId: "oidc" },
      "cancelled",
      "login_required",
    ],
    [
      "OAUTH_CALLBACK_HANDLER_ERROR",
      { error: new Error("unauthorized_client"), providerId: "oidc" },
      "client_misconfigured",
      "unauthorized_client",
    ],
    [
      "OAUTH_CALLBACK_HANDLER_ERROR",
      { error: new Error("server_error"), providerId: "oidc" },
      "provider_error",
      "server_error",
    ],
    [
      "OAUTH_CALLBACK_HANDLER_ERROR",
      { error: new Error("temporarily_unavailable"), providerId: "oidc" },
      "provider_unreachable",
      "temporarily_unavailable",
    ],
    // one of our own callbacks threw after the provider's answer
    [
      "OAUTH_CALLBACK_HANDLER_ERROR",
      { message: "db down", name: "Error" },
      "server_error",
      "sign-in callback failed",
    ],
    // the token endpoint refused the client (a wrong secret)
    [
      "OAUTH_CALLBACK_ERROR",
      wrapped("invalid_client (client authentication failed)"),
      "client_misconfigured",
      "invalid_client",
    ],
    // PKCE mismatch, a reused or expired code
    [
      "OAUTH_CALLBACK_ERROR",
      wrapped("invalid_grant (grant request is invalid)"),
      "security_check_failed",
      "invalid_grant",
    ],
    // state / nonce / cookies
    [
      "OAUTH_CALLBACK_ERROR",
      wrapped("State cookie was missing."),
      "security_check_failed",
      "state check failed",
    ],
    [
      "OAUTH_CALLBACK_ERROR",
      wrapped("state mismatch, expected abc, got: xyz"),
      "security_check_failed",
      "state check failed",
    ],
    [
      "OAUTH_CALLBACK_ERROR",
      wrapped("nonce mismatch, expected undefined, got: n-1"),
      "security_check_failed",
      "nonce check failed",
    ],
    [
      "OAUTH_CALLBACK_ERROR",
      wrapped("PKCE code_verifier cookie was missing."),
      "security_check_failed",
      "pkce check failed",
    ],
    [
      "OAUTH_CALLBACK_ERROR",
      wrapped("unexpected iss value, expected https://a, got: https://b"),
      "security_check_failed",
      "id_token check failed",
    ],
    [
      "OAUTH_CALLBACK_ERROR",
      wrapped("failed to validate JWT signature"),
      "security_check_failed",
      "id_token check failed",
    ],
    [
      "OAUTH_CALLBACK_ERROR",
      {
        error: Object.assign(
          new Error("the UserInfo response is about another subject than the ID token"),
          { name: "ClaimsError" },
        ),
        providerId: "oidc",
      },
      "security_check_failed",
      "subject check failed",
    ],
    // the provider cannot be reached
    [
      "OAUTH_CALLBACK_ERROR",
      wrapped("connect ECONNREFUSED 127.0.0.1:18900", "ECONNREFUSED"),
      "provider_unreachable",
      "ECONNREFUSED",
    ],
    [
      "OAUTH_CALLBACK_ERROR",
      wrapped("socket hang up", "ECONNRESET"),
      "provider_unreachable",
      "ECONNRESET",
    ],
    [
      "OAUTH_CALLBACK_ERROR",
      wrapped("outgoing request timed out after 8000ms"),
      "provider_unreachable",
      "timeout",
    ],
    [
      "SIGNIN_OAUTH_ERROR",
      {
        error: { message: "getaddrinfo ENOTFOUND idp.example.com", name: "Error" },
        providerId: "oidc",
      },
      "provider_unreachable",
      "ENOTFOUND",
    ],
    // a wrong issuer: discovery answers 404
    [
      "SIGNIN_OAUTH_ERROR",
      {
        error: { message: "expected 200 OK, got: 404 Not Found", name: "OPError" },
        providerId: "oidc",
      },
      "client_misconfigured",
      "HTTP 404 from the provider",
    ],
    [
      "OAUTH_CALLBACK_ERROR",
      wrapped("expected 200 OK, got: 502 Bad Gateway"),
      "provider_unreachable",
      "HTTP 502 from the provider",
    ],
    [
      "OAUTH_CALLBACK_ERROR",
      wrapped("expected 200 OK, got: 500 Internal Server Error"),
      "provider_error",
      "HTTP 500 from the provider",
    ],
    [
      "OAUTH_CALLBACK_ERROR",
      wrapped("something nobody expected"),
      "provider_error",
      "unexpected provider response",
    ],
    [
      "OAUTH_PARSE_PROFILE_ERROR",
      { error: { message: "x" }, OAuthProfile: { sub: "s" } },
      "provider_error",
      "claims unreadable",
    ],
  ])("%s %j → %s", (code, metadata, kind, detail) => {
    expect(classifyProviderError(code, metadata)).toEqual({ kind, detail });
  });

  it("codes that are not about a provider sign-in are not failures", () => {
    expect(classifyProviderError("JWT_SESSION_ERROR", { message: "decryption failed" })).toBeNull();
    expect(classifyProviderError("CLIENT_FETCH_ERROR", {})).toBeNull();
  });

  it("a detail never carries the state or nonce values from the message", () => {
    const f = classifyProviderError(
      "OAUTH_CALLBACK_ERROR",
      wrapped("state mismatch, expected SECRET-STATE-123, got: OTHER-456"),
    );
    expect(JSON.stringify(f)).not.toMatch(/SECRET|OTHER/);
  });
});

describe("error pages", () => {
  it("every failure and refusal has a title, an explanation and a hint for the administrator", () => {
    for (const kind of [...PROVIDER_FAILURES, ...SIGNIN_REFUSALS, "server_error"]) {
      expect(isAuthFailureKind(kind)).toBe(true);
      const t = AUTH_FAILURE_TEXT[kind as keyof typeof AUTH_FAILURE_TEXT];
      expect(t.title.length).toBeGreaterThan(10);
      expect(t.admin.length).toBeGreaterThan(40);
    }
    const titles = new Set(Object.values(AUTH_FAILURE_TEXT).map((t) => t.title));
    expect(titles.size).toBe(Object.keys(AUTH_FAILURE_TEXT).length);
    expect(isAuthFailureKind("constructor")).toBe(false);
    expect(isAuthFailureKind("toString")).toBe(false);
  });

  it("the path carries only a short technical detail", () => {
    expect(authErrorPath("client_misconfigured", "invalid_client")).toBe(
      "/auth-error?error=client_misconfigured&detail=invalid_client",
    );
    expect(authErrorPath("not_a_member")).toBe("/auth-error?error=not_a_member");
    expect(safeDetail("Call +1 555 <script>")).toBeNull();
    expect(safeDetail("x".repeat(41))).toBeNull();
    expect(safeDetail("HTTP 404 from the provider")).toBe("HTTP 404 from the provider");
  });

  it("next-auth's redirect to its error page becomes the failure's page, cookies kept", async () => {
    const headers = new Headers({
      location: "http://127.0.0.1:23107/api/auth/error?error=OAuthCallback",
    });
    headers.append("set-cookie", "a=1; Path=/");
    headers.append("set-cookie", "b=2; Path=/");
    const res = await redirectToFailurePage(
      new Response(null, { status: 302, headers }),
      { kind: "client_misconfigured", detail: "invalid_client" },
      "http://127.0.0.1:23107/api/auth/callback/oidc",
    );
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(
      "http://127.0.0.1:23107/auth-error?error=client_misconfigured&detail=invalid_client",
    );
    expect(res.headers.getSetCookie()).toEqual(["a=1; Path=/", "b=2; Path=/"]);
  });

  it("the JSON answer to next-auth/react's sign-in POST too; other answers pass unchanged", async () => {
    const json = new Response(
      JSON.stringify({ url: "http://h.test/api/auth/error?error=OAuthSignin" }),
      { headers: { "content-type": "application/json" } },
    );
    const out = await redirectToFailurePage(
      json,
      { kind: "provider_unreachable", detail: "ECONNREFUSED" },
      "http://h.test/api/auth/signin/oidc",
    );
    expect(await out.json()).toEqual({
      url: "http://h.test/auth-error?error=provider_unreachable&detail=ECONNREFUSED",
    });
    const elsewhere = new Response(null, {
      status: 302,
      headers: { location: "http://h.test/overview" },
    });
    expect(
      await redirectToFailurePage(
        elsewhere,
        { kind: "provider_error", detail: "x" },
        "http://h.test/",
      ),
    ).toBe(elsewhere);
  });
});

describe("RP-initiated logout", () => {
  it("sends id_token_hint, post_logout_redirect_uri and client_id, keeping the endpoint's own query", () => {
    const url = new URL(
      endSessionUrl("https://id.example.com/logout?tenant=acme", {
        idToken: "eyJ.a.b",
        postLogoutRedirectUri: postLogoutRedirectUri("https://allotment.example.com/"),
        clientId: "c-1",
      }),
    );
    expect(url.origin + url.pathname).toBe("https://id.example.com/logout");
    expect(Object.fromEntries(url.searchParams)).toEqual({
      tenant: "acme",
      id_token_hint: "eyJ.a.b",
      post_logout_redirect_uri: "https://allotment.example.com/signin",
      client_id: "c-1",
    });
  });
});
