import { describe, expect, it } from "vitest";

import { checkDiscoveryDocument, fetchDiscovery } from "./oidc-discovery";

const issuer = "https://id.example.com/oauth2/default";
const configured = { issuer, allowHttp: false };
const good = {
  issuer,
  authorization_endpoint: `${issuer}/v1/authorize`,
  token_endpoint: `${issuer}/v1/token`,
  jwks_uri: `${issuer}/v1/keys`,
  userinfo_endpoint: `${issuer}/v1/userinfo`,
  end_session_endpoint: `${issuer}/v1/logout`,
  response_types_supported: ["code", "id_token", "code id_token"],
  token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
  code_challenge_methods_supported: ["S256"],
};

describe("the discovery document", () => {
  it("a complete one passes", () => {
    expect(checkDiscoveryDocument(good, configured)).toEqual({
      problems: [],
      notes: [],
      document: good,
    });
  });

  it("another issuer is refused, with a hint for Entra ID's multi-tenant endpoints", () => {
    expect(
      checkDiscoveryDocument({ ...good, issuer: "https://other.example.com" }, configured)
        .problems[0],
    ).toMatch(/says its issuer is "https:\/\/other.example.com"/);
    const entra = checkDiscoveryDocument(
      { ...good, issuer: "https://login.microsoftonline.com/{tenantid}/v2.0" },
      configured,
    );
    expect(entra.problems[0]).toMatch(/your tenant id/);
    // a trailing slash is not a different issuer
    expect(checkDiscoveryDocument({ ...good, issuer: `${issuer}/` }, configured).problems).toEqual(
      [],
    );
  });

  it("missing or plain-http endpoints, no code flow, no client_secret_basic, no S256 are refused", () => {
    const { token_endpoint: _t, ...noToken } = good;
    expect(checkDiscoveryDocument(noToken, configured).problems.join()).toMatch(
      /no token_endpoint/,
    );
    expect(
      checkDiscoveryDocument(
        { ...good, jwks_uri: "http://id.example.com/keys" },
        configured,
      ).problems.join(),
    ).toMatch(/jwks_uri .* is not https/);
    expect(
      checkDiscoveryDocument(
        { ...good, response_types_supported: ["id_token"] },
        configured,
      ).problems.join(),
    ).toMatch(/authorization code flow/);
    expect(
      checkDiscoveryDocument(
        { ...good, token_endpoint_auth_methods_supported: ["private_key_jwt"] },
        configured,
      ).problems.join(),
    ).toMatch(/client_secret_basic/);
    expect(
      checkDiscoveryDocument(
        { ...good, code_challenge_methods_supported: ["plain"] },
        configured,
      ).problems.join(),
    ).toMatch(/S256/);
    expect(checkDiscoveryDocument([1], configured).problems.join()).toMatch(/not a JSON object/);
  });

  it("no UserInfo or no end_session_endpoint are notes, not problems (Google has no end_session_endpoint)", () => {
    const { userinfo_endpoint: _u, end_session_endpoint: _e, ...bare } = good;
    const r = checkDiscoveryDocument(bare, configured);
    expect(r.problems).toEqual([]);
    expect(r.notes.join("; ")).toMatch(/no userinfo_endpoint.*no end_session_endpoint/);
  });

  it("http endpoints only for an allowed loopback issuer", () => {
    const local = "http://127.0.0.1:18900";
    const doc = {
      issuer: local,
      authorization_endpoint: `${local}/auth`,
      token_endpoint: `${local}/token`,
      jwks_uri: `${local}/jwks`,
    };
    expect(checkDiscoveryDocument(doc, { issuer: local, allowHttp: true }).problems).toEqual([]);
    expect(
      checkDiscoveryDocument(
        { ...doc, token_endpoint: "http://evil.example/token" },
        { issuer: local, allowHttp: true },
      ).problems.join(),
    ).toMatch(/token_endpoint .* is not https/);
  });
});

describe("reading it at start-up", () => {
  const noSleep = async () => {};
  const answer = (status: number, body: unknown) =>
    new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

  it("retries while the provider is starting, then succeeds", async () => {
    let calls = 0;
    const fetchImpl = (async () => {
      calls++;
      if (calls === 1)
        throw Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNREFUSED" } });
      if (calls === 2) return answer(503, {});
      return answer(200, good);
    }) as unknown as typeof fetch;
    const r = await fetchDiscovery(configured, { fetchImpl, sleep: noSleep });
    expect(r).toMatchObject({ kind: "ok", attempts: 3 });
  });

  it("gives up after the last attempt and says why", async () => {
    let calls = 0;
    const fetchImpl = (async () => {
      calls++;
      throw Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNREFUSED" } });
    }) as unknown as typeof fetch;
    const r = await fetchDiscovery(configured, { fetchImpl, sleep: noSleep, delaysMs: [1, 1, 1] });
    expect(r).toEqual({ kind: "unreachable", error: "ECONNREFUSED", attempts: 4 });
    expect(calls).toBe(4);
  });

  it("a wrong answer is not retried", async () => {
    let calls = 0;
    const fetchImpl = (async () => {
      calls++;
      return answer(404, { error: "not found" });
    }) as unknown as typeof fetch;
    const r = await fetchDiscovery(configured, { fetchImpl, sleep: noSleep });
    expect(r.kind).toBe("bad");
    expect(r.kind === "bad" && r.problems[0]).toMatch(/answered HTTP 404: check OIDC_ISSUER/);
    expect(calls).toBe(1);
  });
});
