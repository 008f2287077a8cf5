/**
 * The weekly manager digest's words, from figures already loaded (pure, unit-tested): their
 * people's spend against their limits, who is projected to go over and on which day, the
 * requests waiting for them with a link to decide, and the biggest movers week on week.
 * One content, two forms: an e-mail (subject + text) and a webhook payload (Slack-readable
 * `text` plus the structured digest for machines).
 */
import { formatAmount, type Unit } from "../core/money";
import type { DayKey, Period } from "../core/period";

export interface DigestPerson {
  /** what the digest calls them: a person's name, a service account's memberLabel */
  name: string;
  /** null for a service account (its address is internal, lib/people/member-label.ts) */
  email: string | null;
  usedMicros: bigint;
  /** null: no limit applies */
  limitMicros: bigint | null;
  projectedMicros: bigint;
  /** the day the limit runs out at the current pace, within this period; null: not this period */
  runsOutOn: DayKey | null;
  /** spend in the week reported, and in the week before it */
  weekMicros: bigint;
  previousWeekMicros: bigint;
}

export interface DigestRequest {
  id: number;
  requester: string;
  amountMicros: bigint;
  product: string;
  neededUntil: DayKey;
  filedOn: DayKey;
}

export interface DigestInput {
  workspaceName: string;
  unit: Unit;
  manager: { name: string; email: string };
  groups: string[];
  weekStart: DayKey;
  covered: Period;
  period: Period;
  people: DigestPerson[];
  pending: DigestRequest[];
  /** the Requests screen, when the public origin is known */
  requestsUrl: string | null;
}

export interface Digest {
  subject: string;
  text: string;
  payload: unknown;
}

/** How many movers the digest names. */
export const MOVERS = 3;

/** Whole percent of a limit used, rounded down (integer arithmetic on micro-units). */
function percent(used: bigint, limit: bigint): string {
  if (limit <= 0n) return used > 0n ? "over" : "0%";
  return `${(used * 100n) / limit}%`;
}

function signed(micros: bigint, unit: Unit): string {
  return micros < 0n ? `−${formatAmount(-micros, unit)}` : `+${formatAmount(micros, unit)}`;
}

export function overruns(people: DigestPerson[]): DigestPerson[] {
  return people
    .filter((p) => p.limitMicros !== null && p.projectedMicros > p.limitMicros)
    .sort((a, b) => (a.runsOutOn ?? "9999").localeCompare(b.runsOutOn ?? "9999"));
}

export function movers(people: DigestPerson[]): DigestPerson[] {
  const change = (p: DigestPerson) => {
    const d = p.weekMicros - p.previousWeekMicros;
    return d < 0n ? -d : d;
  };
  return people
    .filter((p) => p.weekMicros !== p.previousWeekMicros)
    .sort((a, b) => {
      const d = change(b) - change(a);
      return d > 0n ? 1 : d < 0n ? -1 : a.name.localeCompare(b.name);
    })
    .slice(0, MOVERS);
}

/** People by share of their limit used, most first; those without a limit last, by spend. */
function bySpend(people: DigestPerson[]): DigestPerson[] {
  const share = (p: DigestPerson) =>
    p.limitMicros && p.limitMicros > 0n ? (p.usedMicros * 1_000_000n) / p.limitMicros : -1n;
  return [...people].sort((a, b) => {
    const d = share(b) - share(a);
    if (d !== 0n) return d > 0n ? 1 : -1;
    const u = b.usedMicros - a.usedMicros;
    return u > 0n ? 1 : u < 0n ? -1 : a.name.localeCompare(b.name);
  });
}

export function buildDigest(d: DigestInput): Digest {
  const f = (m: bigint) => formatAmount(m, d.unit);
  const over = overruns(d.people);
  const moved = movers(d.people);
  const subject = `[Allotment] Week of ${d.covered.start}: ${d.people.length} ${d.people.length === 1 ? "person" : "people"}, ${over.length} projected over, ${d.pending.length} pending ${d.pending.length === 1 ? "request" : "requests"}`;

  const lines: string[] = [
    `Hello ${d.manager.name},`,
    "",
    `Your people in ${d.groups.length ? d.groups.join(", ") : "your groups"} (${d.workspaceName}), week ${d.covered.start} to ${d.covered.end}; budget period ${d.period.start} to ${d.period.end}.`,
    "",
    "SPEND AGAINST LIMITS (this period)",
  ];
  if (d.people.length === 0) lines.push("  Nobody in your groups yet.");
  for (const p of bySpend(d.people))
    lines.push(
      p.limitMicros === null
        ? `  ${p.name}: ${f(p.usedMicros)} (no limit)`
        : `  ${p.name}: ${f(p.usedMicros)} of ${f(p.limitMicros)} (${percent(p.usedMicros, p.limitMicros)})`,
    );
  lines.push("", "PROJECTED OVER THEIR LIMIT");
  if (over.length === 0) lines.push("  Nobody is on course to run out this period.");
  for (const p of over)
    lines.push(
      `  ${p.name}: projected ${f(p.projectedMicros)} against ${f(p.limitMicros!)}${p.runsOutOn ? `, runs out on ${p.runsOutOn}` : ""}`,
    );
  lines.push("", "REQUESTS WAITING FOR YOU");
  if (d.pending.length === 0) lines.push("  None.");
  for (const r of d.pending)
    lines.push(
      `  #${r.id} ${r.requester} asks for ${r.amountMicros > 0n ? f(r.amountMicros) : "an amount you set"}${r.product ? ` (${r.product})` : ""}, needed until ${r.neededUntil}, filed ${r.filedOn}`,
    );
  if (d.pending.length && d.requestsUrl) lines.push(`  Decide them: ${d.requestsUrl}`);
  lines.push("", "BIGGEST MOVERS (this week against the week before)");
  if (moved.length === 0) lines.push("  No change.");
  for (const p of moved)
    lines.push(
      `  ${p.name}: ${signed(p.weekMicros - p.previousWeekMicros, d.unit)} (${f(p.previousWeekMicros)} → ${f(p.weekMicros)})`,
    );
  const text = lines.join("\n");

  const slack = [
    `*Weekly digest for ${d.manager.name}* — week ${d.covered.start} to ${d.covered.end}`,
    `${d.people.length} people · ${over.length} projected over · ${d.pending.length} pending`,
    ...over.map(
      (p) =>
        `• ${p.name} projected ${f(p.projectedMicros)} / ${f(p.limitMicros!)}${p.runsOutOn ? `, runs out ${p.runsOutOn}` : ""}`,
    ),
    ...(d.pending.length && d.requestsUrl ? [`<${d.requestsUrl}|Decide pending requests>`] : []),
  ].join("\n");
  const amount = (m: bigint) => m.toString();
  return {
    subject,
    text,
    payload: {
      text: slack,
      allotment: {
        digest: {
          workspace: d.workspaceName,
          manager: d.manager,
          weekStart: d.weekStart,
          covered: d.covered,
          period: d.period,
          unit: d.unit,
          people: d.people.map((p) => ({
            name: p.name,
            email: p.email,
            usedMicros: amount(p.usedMicros),
            limitMicros: p.limitMicros === null ? null : amount(p.limitMicros),
            projectedMicros: amount(p.projectedMicros),
            runsOutOn: p.runsOutOn,
            weekMicros: amount(p.weekMicros),
            previousWeekMicros: amount(p.previousWeekMicros),
          })),
          projectedOver: over.map((p) => p.email ?? p.name),
          movers: moved.map((p) => p.email ?? p.name),
          pending: d.pending.map((r) => ({
            id: r.id,
            requester: r.requester,
            amountMicros: amount(r.amountMicros),
            product: r.product,
            neededUntil: r.neededUntil,
            url: d.requestsUrl,
          })),
        },
      },
    },
  };
}
