/**
 * Audit events in plain words: "Dana Owner set Bob Builder's override to 1,200.00 credits until
 * 31 Dec 2026" instead of before/after JSON. Pure: the caller passes the names it looked up
 * (members and groups by id, as they are now; the event's own copy of a name is the fallback,
 * so a deleted group still reads by its name) and the workspace's unit and timezone.
 */
import { formatAmount, type Unit } from "../core/money";
import { productLabel } from "../products/known-products";

export interface WordsContext {
  unit: Unit;
  timezone: string;
  /** who did it, readable (the actor's name, or their label) */
  actor?: string;
  memberName(id: string): string | undefined;
  groupName(id: string): string | undefined;
  /** request id → requester's member id */
  requesterOf?(requestId: string): string | undefined;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj =>
  v && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {};
const str = (v: unknown): string | null => (typeof v === "string" && v ? v : null);
const roleWord = (v: unknown) => (typeof v === "string" ? v.toLowerCase() : "?");

function micros(v: unknown): bigint | null {
  if (typeof v === "string" && /^-?\d+$/.test(v)) return BigInt(v);
  if (typeof v === "number" && Number.isSafeInteger(v)) return BigInt(v);
  return null;
}

/**
 * "31 Dec 2026": the day an instant falls on in the workspace's timezone. An expiry is
 * exclusive (the instant the last day ends, lib/core/period.ts endOfDayIn): its day is the one
 * just before it.
 */
export function dayWords(iso: unknown, timezone: string, exclusive = false): string | null {
  if (typeof iso !== "string") return null;
  const d = new Date(new Date(iso).getTime() - (exclusive ? 1 : 0));
  if (Number.isNaN(d.getTime())) return null;
  try {
    return new Intl.DateTimeFormat("en-GB", {
      day: "numeric",
      month: "short",
      year: "numeric",
      timeZone: timezone,
    }).format(d);
  } catch {
    return iso.slice(0, 10);
  }
}

function list(names: string[]): string {
  if (names.length <= 1) return names[0] ?? "";
  return `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}

function namesIn(v: unknown, lookup: (id: string) => string | undefined): string[] {
  return Array.isArray(v)
    ? v.map((x) =>
        typeof x === "string" ? x : (lookup(String(obj(x).id ?? "")) ?? str(obj(x).name) ?? "?"),
      )
    : [];
}

/** Whose limit a policy snapshot is: "the workspace default", "group Platform's limit", "Bob's override". */
function policySubject(p: Obj, c: WordsContext): string {
  const target = String(p.target ?? "");
  const product = str(p.product) ? ` for ${productLabel(String(p.product))}` : "";
  if (target.startsWith("GROUP:"))
    return `group ${c.groupName(target.slice(6)) ?? "(deleted)"}'s limit${product}`;
  if (target.startsWith("MEMBER:")) {
    const who = c.memberName(target.slice(7)) ?? "a member";
    const slot = str(p.slot);
    return slot?.startsWith("request:")
      ? `${who}'s grant from request #${slot.slice(8)}${product}`
      : `${who}'s override${product}`;
  }
  return `the workspace default${product}`;
}

function policyAmount(p: Obj, c: WordsContext): string {
  const parts: string[] = [];
  const amount = micros(p.amountMicros);
  const pool = micros(p.poolCapMicros);
  if (amount !== null) parts.push(formatAmount(amount, c.unit));
  if (pool !== null) parts.push(`pooled cap ${formatAmount(pool, c.unit)}`);
  const starts = dayWords(p.startsAt, c.timezone);
  const until = dayWords(p.expiresAt, c.timezone, true);
  return `${parts.join(", ") || "no amount"}${starts ? ` from ${starts}` : ""}${until ? ` until ${until}` : ""}`;
}

function requestWho(id: string, a: Obj, c: WordsContext): string {
  const requester = c.requesterOf?.(id) ?? str(a.requesterId) ?? undefined;
  const name = requester ? c.memberName(requester) : undefined;
  return name ? ` from ${name}` : "";
}

/**
 * One sentence for an event, or null when this module has no words for it (the caller falls
 * back to its own summary). `targetId` names the object (a member, group, request, policy).
 */
export function auditSentence(
  action: string,
  targetId: string,
  before: unknown,
  after: unknown,
  c: WordsContext,
): string | null {
  const a = obj(after);
  const b = obj(before);
  const who = c.actor ?? "Someone";
  const member = c.memberName(targetId) ?? str(a.name) ?? str(b.name) ?? "a member";
  const group = c.groupName(targetId) ?? str(a.name) ?? str(b.name) ?? "a group";
  const via = str(a.via) ? ` (${String(a.via)})` : "";
  switch (action) {
    case "limit.create":
      return `${who} set ${policySubject(a, c)} to ${policyAmount(a, c)}`;
    case "limit.update":
      if (!("target" in a)) return null;
      return `${who} changed ${policySubject(a, c)} from ${policyAmount(b, c)} to ${policyAmount(a, c)}`;
    case "limit.delete":
      if (!("target" in b)) return null;
      return `${who} removed ${policySubject(b, c)} (was ${policyAmount(b, c)})`;
    case "limit.end":
      return `${who} ended ${policySubject(a, c)} of ${policyAmount({ ...b, expiresAt: null }, c)}${str(a.endedBecause) ? ` because ${String(a.endedBecause)}` : ""}`;
    case "request.file": {
      const amount = micros(a.amountMicros);
      return `${who} asked for ${amount !== null ? formatAmount(amount, c.unit) : "more"}${str(a.product) ? ` of ${productLabel(String(a.product))}` : ""} until ${String(a.neededUntil ?? "?")} (request #${targetId})`;
    }
    case "request.approve": {
      const granted = micros(a.grantedMicros);
      const from = micros(a.limitBeforeMicros);
      const to = micros(a.limitAfterMicros);
      return `${who} approved request #${targetId}${requestWho(targetId, a, c)}: granted ${granted !== null ? formatAmount(granted, c.unit) : "?"}${to !== null ? `, limit ${from !== null ? formatAmount(from, c.unit) : "none"} → ${formatAmount(to, c.unit)}` : ""}`;
    }
    case "request.deny":
      return `${who} denied request #${targetId}${requestWho(targetId, a, c)}${str(a.note) ? `: ${String(a.note)}` : ""}`;
    case "request.cancel":
      return str(a.reason)
        ? `${who} withdrew request #${targetId}${requestWho(targetId, a, c)}: ${String(a.reason)}`
        : `${who} withdrew request #${targetId}`;
    case "request.expire":
      return `Request #${targetId}${requestWho(targetId, a, c)} expired undecided`;
    case "member.create": {
      const groups = namesIn(a.groups, c.groupName);
      const manages = namesIn(a.manages, c.groupName);
      if (a.kind === "SERVICE") {
        const owner = c.memberName(String(obj(a.owner).id ?? "")) ?? str(obj(a.owner).name);
        const keys = Array.isArray(a.keys) ? a.keys.filter((k) => typeof k === "string") : [];
        return `${who} added service account ${member}${owner ? ` owned by ${owner}` : ""}${keys.length ? `, for ${list(keys)}` : ""}${str(a.costCenter) ? `, cost center ${String(a.costCenter)}` : ""}${groups.length ? `, in ${list(groups)}` : ""}`;
      }
      return `${who} added ${member}${str(a.email) ? ` (${String(a.email)})` : ""} as ${roleWord(a.role)}${str(a.costCenter) ? `, cost center ${String(a.costCenter)}` : ""}${groups.length ? `, in ${list(groups)}` : ""}${manages.length ? `, managing ${list(manages)}` : ""}${via}`;
    }
    case "member.owner": {
      const name = (v: unknown) => c.memberName(String(obj(v).id ?? "")) ?? str(obj(v).name);
      return `${who} made ${name(a.owner) ?? "someone"} the owner of ${member}${name(b.owner) ? ` (was ${name(b.owner)})` : ""}`;
    }
    case "member.role":
      return `${who} changed ${member}'s role from ${roleWord(b.role)} to ${roleWord(a.role)}${via}`;
    case "member.update": {
      const parts: string[] = [];
      if (a.name !== b.name) parts.push(`name from ${String(b.name)} to ${String(a.name)}`);
      if (a.costCenter !== b.costCenter)
        parts.push(
          `cost center from ${str(b.costCenter) ?? "none"} to ${str(a.costCenter) ?? "none"}`,
        );
      return `${who} changed ${member}'s ${list(parts) || "details"}${via}`;
    }
    case "member.groups": {
      const added = namesIn(a.added, c.groupName);
      const removed = namesIn(a.removed, c.groupName);
      return `${who} ${list([added.length ? `added ${member} to ${list(added)}` : "", removed.length ? `removed ${added.length ? "them" : member} from ${list(removed)}` : ""].filter(Boolean))}${via}`;
    }
    case "member.manages": {
      const added = namesIn(a.added, c.groupName);
      const removed = namesIn(a.removed, c.groupName);
      return `${who} ${list([added.length ? `made ${member} a manager of ${list(added)}` : "", removed.length ? `ended ${added.length ? "their" : `${member}'s`} management of ${list(removed)}` : ""].filter(Boolean))}${via}`;
    }
    case "member.deactivate": {
      const n = (v: unknown) => (Array.isArray(v) ? v.length : typeof v === "number" ? v : 0);
      const effects = [
        `${n(a.sessionsEnded)} ${n(a.sessionsEnded) === 1 ? "session" : "sessions"} ended`,
        `${n(a.overridesEnded)} ${n(a.overridesEnded) === 1 ? "override" : "overrides"} ended`,
        `${n(a.requestsWithdrawn)} pending ${n(a.requestsWithdrawn) === 1 ? "request" : "requests"} withdrawn`,
      ];
      return `${who} deactivated ${member}${str(a.reason) ? ` (${String(a.reason)})` : ""}: ${effects.join(", ")}`;
    }
    case "member.reactivate":
      return `${who} reactivated ${member}`;
    case "member.import": {
      const k = (x: unknown) => (typeof x === "number" ? x : 0);
      return `${who} imported people from a CSV file: ${k(a.create)} added, ${k(a.update)} updated, ${k(a.unchanged)} unchanged, ${k(a.newGroups)} ${k(a.newGroups) === 1 ? "group" : "groups"} created`;
    }
    case "group.create": {
      const members = namesIn(a.members, c.memberName);
      const managers = namesIn(a.managers, c.memberName);
      return `${who} created group ${str(a.name) ?? group}${str(a.costCenter) ? ` (cost center ${String(a.costCenter)})` : ""}${members.length ? ` with ${list(members)}` : ""}${managers.length ? `, managed by ${list(managers)}` : ""}${via}`;
    }
    case "group.rename":
      return `${who} renamed group ${String(b.name)} to ${String(a.name)}${a.costCenter !== b.costCenter ? ` and set its cost center to ${str(a.costCenter) ?? "none"}` : ""}`;
    case "group.update":
      return `${who} set group ${group}'s cost center to ${str(a.costCenter) ?? "none"} (was ${str(b.costCenter) ?? "none"})`;
    case "group.members":
    case "group.managers": {
      const added = namesIn(a.added, c.memberName);
      const removed = namesIn(a.removed, c.memberName);
      const role = action === "group.members" ? "" : " as a manager";
      return `${who} ${list([added.length ? `added ${list(added)} to group ${group}${role}` : "", removed.length ? `removed ${list(removed)} from group ${group}${role}` : ""].filter(Boolean))}`;
    }
    case "group.delete":
      return `${who} deleted group ${str(b.name) ?? group}`;
    case "export.audit":
      return `${who} exported the audit log as CSV${str(a.filters) ? ` (filtered: ${String(a.filters)})` : ""}`;
    default:
      return null;
  }
}
