/**
 * What a member is called wherever the product shows one (tables, alert messages, the
 * notification bell, the digest, Slack, exports, pickers): a person by name and email, a service
 * account by name, "Service account" and its owner — never its internal address
 * (ci-pipeline@service.invalid, lib/people/automation.ts), which nobody can mail or recognise.
 * Pure: every query that labels a member selects MEMBER_LABEL_SELECT and passes the row here.
 */

/** A member as the label needs it: Prisma's `select: MEMBER_LABEL_SELECT` row fits. */
export interface LabelSubject {
  name: string;
  email: string;
  /** "PERSON" | "SERVICE"; absent = a person */
  kind?: string | null;
  /** a service account's owner (null: it has none) */
  owner?: { name: string } | null;
}

/** The columns a label needs, for a Prisma `select` (or a nested member select). */
export const MEMBER_LABEL_SELECT = {
  name: true,
  email: true,
  kind: true,
  owner: { select: { name: true } },
} as const;

export function isServiceAccount(m: Pick<LabelSubject, "kind">): boolean {
  return m.kind === "SERVICE";
}

/** The line under a service account's name wherever a person's email would be. */
export function serviceSublabel(ownerName: string | null): string {
  return ownerName ? `Service account · owner ${ownerName}` : "Service account · no owner";
}

/**
 * A member's email as a page or API may send it to the browser: a person's, and "" for a
 * service account, whose internal address stays on the server (not even in hidden page data).
 */
export function shownEmail(m: Pick<LabelSubject, "email" | "kind">): string {
  return isServiceAccount(m) ? "" : m.email;
}

/** The line under a member's name: a person's email, or "Service account · owner Cora". */
export function memberSublabel(m: LabelSubject): string {
  return isServiceAccount(m) ? serviceSublabel(m.owner?.name ?? null) : m.email;
}

/**
 * A member on one line: "Ana Lopez (ana@acme.example)", or
 * "CI pipeline · Service account · owner Cora CI-Owner".
 */
export function memberLabel(m: LabelSubject): string {
  return isServiceAccount(m) ? `${m.name} · ${memberSublabel(m)}` : `${m.name} (${m.email})`;
}

/**
 * A member as a people picker offers them: "Ana Lopez <ana@acme.example>", or "CI pipeline
 * (service account)" — typing the option, the name or (a person's) email picks them.
 */
export function memberPickerLabel(m: Pick<LabelSubject, "name" | "email" | "kind">): string {
  return isServiceAccount(m) ? `${m.name} (service account)` : `${m.name} <${m.email}>`;
}

/**
 * A member where a machine reads the column (exports, digest JSON): a person's email, and a
 * service account's name with what it is, since its address means nothing outside Allotment.
 */
export function memberContact(m: LabelSubject): string {
  return isServiceAccount(m) ? `${m.name} (service account)` : m.email;
}
