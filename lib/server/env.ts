/**
 * The validated environment. Nothing else in the app reads process.env directly.
 * Parsed lazily (on first use) so a build does not need runtime secrets.
 */
import { z } from "zod";

const bool = z
  .enum(["1", "0", "true", "false", "yes", "no", ""])
  .optional()
  .transform((v) => v === "1" || v === "true" || v === "yes");

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: z.string().min(1).default("file:./data/allotment.db"),
  NEXTAUTH_URL: z.url().optional(),
  /** read by next-auth itself: take the origin from the Host header (demo mode only, see settingsProblems) */
  AUTH_TRUST_HOST: bool,
  NEXTAUTH_SECRET: z.string().optional(),
  ALLOTMENT_DEMO_MODE: bool,
  ALLOTMENT_ENCRYPTION_KEY: z.string().optional(),
  ALLOTMENT_SESSION_MAX_AGE_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(12),
  ALLOTMENT_SIGNIN_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(1000).default(10),
  ALLOTMENT_SIGNIN_WINDOW_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(15),
  /** comma-separated addresses of reverse proxies whose X-Forwarded-For is believed (lib/auth/client-address.ts) */
  ALLOTMENT_TRUSTED_PROXIES: z.string().max(2000).optional(),
  /** Test-only: lets e2e move the server's clock (ignored unless demo mode is on). */
  ALLOTMENT_ALLOW_CLOCK_OVERRIDE: bool,
  /** the demo seed (npm run seed): "0" loads usage only, without the demo's limits, requests and alerts */
  ALLOTMENT_SEED_GOVERNANCE: z.enum(["0", "1"]).default("1"),
  /** "off" disables the in-process scheduler (syncs, alerts, request expiry, enforcement queue) */
  ALLOTMENT_SCHEDULER: z.enum(["on", "off"]).default("on"),
  ALLOTMENT_SCHEDULER_INTERVAL_SECONDS: z.coerce.number().int().min(5).max(3600).default(30),
  /** port of the gateway listener for the budget-check API (lib/gateway/api-server.ts); unset = off */
  ALLOTMENT_GATEWAY_PORT: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z.coerce.number().int().min(1).max(65535).optional(),
  ),
  /** interface it binds to; loopback by default, 0.0.0.0 to serve gateways on other hosts */
  ALLOTMENT_GATEWAY_HOST: z.string().min(1).default("127.0.0.1"),
  /** checked at start-up (lib/auth/oidc-config.ts issuerProblem): an absolute https URL */
  OIDC_ISSUER: z.preprocess((v) => (v === "" ? undefined : v), z.string().optional()),
  OIDC_CLIENT_ID: z.preprocess((v) => (v === "" ? undefined : v), z.string().optional()),
  OIDC_CLIENT_SECRET: z.preprocess((v) => (v === "" ? undefined : v), z.string().optional()),
  OIDC_DISPLAY_NAME: z.string().min(1).max(60).default("Single sign-on"),
  OIDC_SCOPES: z.string().min(1).max(500).default("openid email profile"),
  /** a provider-specific claim that also proves the email (Entra ID: xms_edov); email_verified is always honoured */
  OIDC_EMAIL_VERIFIED_CLAIM: z.preprocess((v) => (v === "" ? undefined : v), z.string().optional()),
  /** the claim with the person's provider groups (e.g. groups): sets their Allotment groups by name at sign-in */
  OIDC_GROUPS_CLAIM: z.preprocess((v) => (v === "" ? undefined : v), z.string().optional()),
  /** provider group → role, "allotment-owners=OWNER,allotment-admins=ADMIN" (needs OIDC_GROUPS_CLAIM) */
  OIDC_ROLE_MAP: z.string().max(4000).optional(),
  /** http:// issuers on localhost/127.0.0.1 only (a provider for tests or local development) */
  ALLOTMENT_OIDC_ALLOW_HTTP: bool,
});

export type Env = z.infer<typeof schema>;

let cached: Env | undefined;

export function env(): Env {
  if (!cached) {
    const parsed = schema.safeParse(process.env);
    if (!parsed.success) {
      const detail = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
      throw new Error(`Invalid environment: ${detail}`);
    }
    cached = parsed.data;
  }
  return cached;
}

/** For tests that change process.env. */
export function resetEnvCache(): void {
  cached = undefined;
}

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

const DEMO_SECRET = "allotment-demo-secret-not-for-production-use-000000";

/**
 * The secret that signs sessions. Outside demo mode it must be set and strong; in demo
 * mode a fixed, well-known secret is used when none is given (demo data only).
 */
export function authSecret(): string {
  const e = env();
  if (e.NEXTAUTH_SECRET) return e.NEXTAUTH_SECRET;
  if (e.ALLOTMENT_DEMO_MODE) return DEMO_SECRET;
  throw new Error("NEXTAUTH_SECRET is not set");
}

/**
 * Settings that must stop the server from starting; lib/auth/startup.ts adds the single
 * sign-on checks (lib/auth/oidc-config.ts) and refuses to start on any.
 */
export function settingsProblems(): string[] {
  const e = env();
  const problems: string[] = [];
  if (!e.ALLOTMENT_DEMO_MODE) {
    const secret = e.NEXTAUTH_SECRET ?? "";
    if (secret.length < 32 || new Set(secret).size < 10 || secret === DEMO_SECRET) {
      problems.push(
        "NEXTAUTH_SECRET is missing or weak: use at least 32 random characters (openssl rand -base64 48).",
      );
    }
    if (!e.ALLOTMENT_ENCRYPTION_KEY) {
      problems.push(
        "ALLOTMENT_ENCRYPTION_KEY is not set: provider keys cannot be encrypted (openssl rand -base64 32).",
      );
    }
    if (!e.OIDC_ISSUER)
      problems.push(
        "No sign-in method: set OIDC_ISSUER/OIDC_CLIENT_ID/OIDC_CLIENT_SECRET (or ALLOTMENT_DEMO_MODE=1 for demo data).",
      );
    // Outside demo mode the configured public origin is the only one sign-in accepts.
    if (!e.NEXTAUTH_URL)
      problems.push(
        "NEXTAUTH_URL is not set: give the dashboard's public origin (https://allotment.example.com).",
      );
    if (e.AUTH_TRUST_HOST)
      problems.push(
        "AUTH_TRUST_HOST lets any Host header choose the sign-in origin: it is for demo mode only; unset it and set NEXTAUTH_URL.",
      );
  }
  if (e.OIDC_ISSUER && (!e.OIDC_CLIENT_ID || !e.OIDC_CLIENT_SECRET)) {
    problems.push("OIDC_ISSUER is set but OIDC_CLIENT_ID or OIDC_CLIENT_SECRET is missing.");
  }
  return problems;
}
