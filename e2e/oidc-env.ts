/**
 * Where the single sign-on journeys run (e2e/oidc.spec.ts): a local OpenID Connect provider
 * (tests/fake-oidc) and a second Allotment server in production mode that signs in through it.
 * Ports follow E2E_PORT, so runs on other ports never collide.
 */
import { FAKE_CLIENT } from "../tests/fake-oidc/accounts";

const port = Number(process.env.E2E_PORT ?? 3107);
export const OIDC_PORT = Number(process.env.E2E_OIDC_PORT ?? port + 10000);
export const SSO_APP_PORT = Number(process.env.E2E_SSO_PORT ?? port + 20000);
export const OIDC_ISSUER = `http://127.0.0.1:${OIDC_PORT}`;
export const SSO_APP_ORIGIN = `http://127.0.0.1:${SSO_APP_PORT}`;
export const SSO_DISPLAY_NAME = "Acme SSO";
export { FAKE_CLIENT };
