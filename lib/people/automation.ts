/**
 * Automation as a subject, the pure part: a service account is a Member of kind SERVICE that
 * API keys, provider service accounts and projects are mapped to (MemberIdentity), so its spend,
 * limits, budget check and effective-limit rule are a person's. It has an owner (the person
 * responsible for it) and an address of its own that no mail server or sign-in can ever answer
 * (RFC 2606's reserved .invalid domain), because the workspace's members are unique by email.
 */

/** The domain of every service account's address: reserved, never delivered, never verified. */
export const SERVICE_EMAIL_DOMAIN = "service.invalid";

/** The identity kinds automation is reported under (a person's are user_id and email). */
export const AUTOMATION_KINDS = ["api_key_id", "service_account_id", "project_id"] as const;

export function isAutomationKind(kind: string): boolean {
  return (AUTOMATION_KINDS as readonly string[]).includes(kind);
}

const KIND_WORDS: Record<string, string> = {
  api_key_id: "API key",
  service_account_id: "Service account",
  project_id: "Project",
  user_id: "User",
  email: "Email",
};

/** "API key", "Project", … for an identity kind ("key id" for one this list does not know). */
export function identityKindLabel(kind: string): string {
  return KIND_WORDS[kind] ?? kind.replaceAll("_", " ");
}

/**
 * A service account's address from its name: "CI pipeline" → ci-pipeline@service.invalid, and
 * ci-pipeline-2@… when that one is taken (`taken` holds the workspace's addresses, lower case).
 */
export function serviceEmail(name: string, taken: ReadonlySet<string>): string {
  const slug =
    name
      .normalize("NFKD")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 48)
      .replace(/-+$/, "") || "service";
  for (let n = 1; ; n++) {
    const email = `${n === 1 ? slug : `${slug}-${n}`}@${SERVICE_EMAIL_DOMAIN}`;
    if (!taken.has(email)) return email;
  }
}
