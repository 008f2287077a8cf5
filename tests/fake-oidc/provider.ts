/**
 * A real OpenID Connect provider for tests: panva's certified `oidc-provider`, on the
 * specification's defaults — the ID token carries only the protocol claims (sub, aud, exp, iat,
 * iss …, conformIdTokenClaims), email and email_verified come from the UserInfo endpoint (OIDC
 * Core §5.4 scope → claims), its built-in login and consent pages (devInteractions: the login is
 * the account's name below, any password), RP-initiated logout on. One confidential client
 * authenticating with client_secret_basic. Listens on 127.0.0.1 only; nothing leaves the
 * machine (its pages' web-font @import is stripped).
 *
 * For the error pages there is one test switch, POST /__test/fault {"token": "invalid_client" |
 * "drop" | null, "discovery": "drop" | null}: the token endpoint then answers 401
 * invalid_client (a wrong client secret) or drops the connection (a provider that went away
 * mid sign-in); the discovery document drops the connection (a provider that is down before
 * the sign-in starts).
 */
import { generateKeyPairSync } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

import Provider from "oidc-provider";

import { FAKE_ACCOUNTS, FAKE_CLIENT } from "./accounts";

export { FAKE_ACCOUNTS, FAKE_CLIENT };

export interface FakeOidcOptions {
  port: number;
  /** origins of the Allotment servers that may use this provider (redirect and post-logout URIs) */
  appOrigins: string[];
  host?: string;
}

export interface FakeOidc {
  issuer: string;
  port: number;
  close(): Promise<void>;
}

type Fault = "invalid_client" | "drop" | null;
type DiscoveryFault = "drop" | null;

export async function startFakeOidc(opts: FakeOidcOptions): Promise<FakeOidc> {
  const host = opts.host ?? "127.0.0.1";
  // a fixed port is needed up front (the issuer is in every token); 0 = pick one, then build
  const server = http.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const issuer = `http://${host}:${port}`;

  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = {
    ...privateKey.export({ format: "jwk" }),
    kid: "fake-oidc-1",
    use: "sig",
    alg: "RS256",
  };

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: FAKE_CLIENT.clientId,
        client_secret: FAKE_CLIENT.clientSecret,
        redirect_uris: opts.appOrigins.map((o) => `${o}/api/auth/callback/oidc`),
        post_logout_redirect_uris: opts.appOrigins.map((o) => `${o}/signin`),
        token_endpoint_auth_method: "client_secret_basic",
        grant_types: ["authorization_code"],
        response_types: ["code"],
      },
    ],
    // the defaults plus the standard scope → claims of OIDC Core §5.4
    claims: {
      acr: null,
      auth_time: null,
      iss: null,
      sid: null,
      openid: ["sub"],
      email: ["email", "email_verified"],
      profile: ["name"],
    },
    async findAccount(_ctx, id) {
      const account = FAKE_ACCOUNTS[id];
      if (!account) return undefined;
      return { accountId: id, claims: async () => ({ ...account }) };
    },
    cookies: { keys: ["fake-oidc-cookie-signing-key-for-tests-only"] },
    jwks: { keys: [jwk] },
    features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  });

  let fault: Fault = null;
  let discoveryFault: DiscoveryFault = null;
  provider.use(async (ctx, next) => {
    if (ctx.path === "/__test/fault" && ctx.method === "POST") {
      const chunks: Buffer[] = [];
      for await (const c of ctx.req) chunks.push(c as Buffer);
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as {
        token?: Fault;
        discovery?: DiscoveryFault;
      };
      fault = body.token ?? null;
      discoveryFault = body.discovery ?? null;
      ctx.body = { token: fault, discovery: discoveryFault };
      return;
    }
    if (ctx.path === "/.well-known/openid-configuration" && discoveryFault === "drop") {
      ctx.req.socket.destroy();
      return;
    }
    if (ctx.path === "/token" && fault === "invalid_client") {
      ctx.status = 401;
      ctx.body = {
        error: "invalid_client",
        error_description: "client authentication failed (test switch)",
      };
      return;
    }
    if (ctx.path === "/token" && fault === "drop") {
      ctx.req.socket.destroy();
      return;
    }
    await next();
    // the built-in pages @import a web font from Google: nothing here may touch the internet
    if (typeof ctx.body === "string" && ctx.body.includes("fonts.googleapis.com")) {
      ctx.body = ctx.body.replace(/@import url\(https:\/\/fonts\.googleapis\.com[^)]*\);?/g, "");
    }
  });
  // quiet: the provider's own warnings about development settings are expected here
  provider.on("server_error", (_ctx, error) =>
    console.error(`[fake-oidc] server_error: ${error.message}`),
  );

  server.on("request", provider.callback());
  return {
    issuer,
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
