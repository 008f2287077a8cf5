/**
 * Demo outcome facts (issue 20): the simulator has no Claude Code analytics report and no
 * Codex Analytics API, so the demo seed derives plausible sessions, lines, commits and pull
 * requests for every person-day with Claude Code spend, and threads and lines (Codex reports no
 * commits or PRs) for every person-day with Codex spend, and stores them through the same writer as a real sync
 * (replaceOutcomeFacts: identities mapped by email, the window's days replaced, so a re-seed
 * leaves the same rows). Deterministic: a hash of (email, day), never Math.random.
 *
 * Shape: each person has their own price of a pull request ($6–$70 of Claude Code spend) and
 * commits per PR (1.5–4.5); a day's PRs and commits are that day's spend over those prices,
 * rounded stochastically; about one person in twelve commits but opens no PRs (their cost
 * per PR shows "—").
 */
import { eachDay, type Period } from "../core/period";
import { IdentityResolver } from "../ingest/identities";
import { replaceOutcomeFacts } from "../ingest/outcome-facts";
import type { OutcomeFact } from "../ingest/types";
import type { Db } from "../server/db";

/** FNV-1a of the text, as a number in [0, 1). */
function unit(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) / 0x1_0000_0000;
}

/** n rounded down or up at random, so the expected value is n. */
function roundAtRandom(n: number, u: number): number {
  const floor = Math.floor(n);
  return floor + (u < n - floor ? 1 : 0);
}

/** The outcome facts of one person-day with `usd` dollars of Claude Code spend. */
export function demoOutcome(email: string, day: string, usd: number): OutcomeFact {
  const id = email.toLowerCase();
  const prPrice = 6 + 64 * unit(`${id}|pr-price`) ** 1.5;
  const commitsPerPr = 1.5 + 3 * unit(`${id}|commits-per-pr`);
  const noPrs = unit(`${id}|no-prs`) < 1 / 12;
  const u = (what: string) => unit(`${id}|${day}|${what}`);
  const pullRequests = noPrs ? 0 : roundAtRandom(usd / prPrice, u("pr"));
  const commits = Math.max(
    pullRequests,
    roundAtRandom((usd / prPrice) * commitsPerPr, u("commits")),
  );
  const linesAdded = commits * Math.round(30 + 170 * u("added"));
  return {
    day,
    identity: { provider: "claude_code", kind: "email", externalId: id, email },
    product: "claude_code",
    source: u("remote") < 0.2 ? "remote" : "local",
    sessions: 1 + roundAtRandom(usd / 4, u("sessions")),
    linesAdded,
    linesRemoved: Math.round(linesAdded * (0.15 + 0.45 * u("removed"))),
    commits,
    pullRequests,
  };
}

/**
 * The Codex outcome facts of one person-day with `usd` dollars of Codex spend: threads and, for
 * about four people in five, attributed lines (the API's code_attribution is optional).
 */
export function demoCodexOutcome(email: string, day: string, usd: number): OutcomeFact {
  const id = email.toLowerCase();
  const attributed = unit(`${id}|codex-lines`) >= 0.2;
  const linesPerUsd = 8 + 40 * unit(`${id}|codex-lines-per-usd`);
  const u = (what: string) => unit(`${id}|${day}|codex-${what}`);
  const linesAdded = attributed ? roundAtRandom(usd * linesPerUsd, u("added")) : 0;
  return {
    day,
    identity: { provider: "chatgpt", kind: "email", externalId: id, email },
    product: "codex",
    source: "",
    sessions: 1 + roundAtRandom(usd / 6, u("threads")),
    linesAdded,
    linesRemoved: Math.round(linesAdded * (0.1 + 0.4 * u("removed"))),
    commits: 0,
    pullRequests: 0,
  };
}

/** Writes the demo outcome facts of a window for a workspace's Claude Code and Codex users. */
export async function seedDemoOutcomes(
  db: Db,
  target: { workspaceId: string; connectionId: string; runId: string },
  window: Period,
): Promise<number> {
  const [spend, members] = await Promise.all([
    db.usageDailyRollup.groupBy({
      by: ["memberKey", "day", "product"],
      where: {
        workspaceId: target.workspaceId,
        product: { in: ["claude_code", "codex"] },
        day: { gte: window.start, lte: window.end },
        memberKey: { not: "" },
      },
      _sum: { costMicros: true },
    }),
    db.member.findMany({
      where: { workspaceId: target.workspaceId },
      select: { id: true, email: true },
    }),
  ]);
  const emailOf = new Map(members.map((m) => [m.id, m.email]));
  const facts: OutcomeFact[] = [];
  for (const s of spend) {
    const email = emailOf.get(s.memberKey);
    const micros = s._sum.costMicros ?? 0n;
    // dollars as a float only to draw counts from; no money is computed with it
    if (!email || micros <= 0n) continue;
    const usd = Number(micros) / 1e6;
    facts.push(
      s.product === "codex" ? demoCodexOutcome(email, s.day, usd) : demoOutcome(email, s.day, usd),
    );
  }
  return db.$transaction(
    async (tx) => {
      const resolver = await IdentityResolver.load(tx, target.workspaceId);
      return replaceOutcomeFacts(
        tx,
        { ...target, resolver },
        eachDay(window.start, window.end),
        facts,
      );
    },
    { maxWait: 30_000, timeout: 300_000 },
  );
}
