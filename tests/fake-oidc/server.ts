/**
 * Runs the local OpenID Connect provider (tests/fake-oidc/provider.ts) until killed — started by
 * playwright.config.ts as a webServer before the production-mode app that signs in through it.
 *   FAKE_OIDC_PORT=13107 FAKE_OIDC_APP_ORIGINS=http://127.0.0.1:23107 npx tsx tests/fake-oidc/server.ts
 */
import { startFakeOidc } from "./provider";

const port = Number(process.env.FAKE_OIDC_PORT ?? 0);
const appOrigins = (process.env.FAKE_OIDC_APP_ORIGINS ?? "")
  .split(",")
  .map((o) => o.trim())
  .filter(Boolean);
if (!appOrigins.length) {
  console.error("FAKE_OIDC_APP_ORIGINS is required (the Allotment origins that sign in here)");
  process.exit(2);
}

const oidc = await startFakeOidc({ port, appOrigins });
console.error(`[fake-oidc] issuer ${oidc.issuer} for ${appOrigins.join(", ")}`);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => void oidc.close().then(() => process.exit(0)));
}
