/**
 * Start-up check: a production server with a weak secret, no sign-in method or an unusable
 * single sign-on configuration must not run.
 */
import { env, settingsProblems } from "../server/env";
import { logAuthProblem } from "./oidc-audit";
import { oidcProblems, oidcSettings } from "./oidc-config";
import { fetchDiscovery, rememberDiscovery, type FetchDiscoveryOptions } from "./oidc-discovery";

/** Problems that must stop the server from starting: the settings', then single sign-on's. */
export function startupProblems(): string[] {
  return [...settingsProblems(), ...oidcProblems(env())];
}

function refuse(problems: string[]): never {
  console.error(`Allotment cannot start:\n- ${problems.join("\n- ")}`);
  process.exit(1);
}

/**
 * Reads the provider's discovery document (retrying ~15 s for a provider that starts at the
 * same moment). A wrong answer — another issuer, HTTP 404, no token endpoint, no code flow —
 * is a configuration error: the server refuses to start and says what to fix. A provider that
 * cannot be reached is logged loudly but does not stop the server (the budget-check API and
 * signed-in sessions do not need it); sign-ins then show "provider unreachable".
 */
export async function checkSingleSignOn(opts: FetchDiscoveryOptions = {}): Promise<string[]> {
  const sso = oidcSettings();
  if (!sso) return [];
  const result = await fetchDiscovery(sso, opts);
  if (result.kind === "bad")
    return result.problems.map((p) => `Single sign-on (OIDC_ISSUER ${sso.issuer}): ${p}`);
  if (result.kind === "unreachable") {
    logAuthProblem("discovery_unreachable", {
      issuer: sso.issuer,
      error: result.error,
      attempts: result.attempts,
    });
    console.error(
      `Single sign-on: the provider at ${sso.issuer} could not be reached (${result.error}, ${result.attempts} attempts). ` +
        "The server starts; sign-ins will show 'provider unreachable' until it answers. Check the network path to OIDC_ISSUER.",
    );
    return [];
  }
  rememberDiscovery(sso.issuer, result.document);
  logAuthProblem("discovery_ok", {
    issuer: sso.issuer,
    attempts: result.attempts,
    notes: result.notes.join("; ") || null,
    logout: result.document.end_session_endpoint ? "rp-initiated" : "local only",
  });
  return [];
}

export async function assertSafeToStart(): Promise<void> {
  const problems = startupProblems();
  if (problems.length) refuse(problems);
  const sso = await checkSingleSignOn();
  if (sso.length) refuse(sso);
}
