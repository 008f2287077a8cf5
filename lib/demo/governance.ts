/**
 * The demo's governance: what a company that has run Allotment for a few weeks has set up —
 * a workspace default, group limits (one with a pooled cap, one product-scoped), an override
 * that ends in a few days and one scheduled to start later, requests pending and decided,
 * and the alerts all that raises. Everything goes through the same domain functions as the
 * screens (createPolicy, fileRequest, approve/deny, evaluateAlerts), as the demo people, so
 * every row has its audit event and obeys the rules. Dates are relative to the seed's "today"
 * (the injectable clock): the quick-start demo looks live on any day, the e2e seed is
 * anchored to its pinned date.
 */
import "server-only";

import { channelInputSchema, createChannel } from "../alerts/channels";
import { evaluateAlerts } from "../alerts/evaluate";
import { loadRuleSettings, ruleFormOf } from "../alerts/rules";
import { updateRules } from "../alerts/update-rules";
import { loadActor, type Actor } from "../auth/actor";
import { addDays, todayIn, type DayKey } from "../core/period";
import { createPolicySchema } from "../limits/policy-input";
import { createPolicy } from "../limits/write-policy";
import { approveRequest, denyRequest } from "../requests/decide-credit-request";
import { fileRequest } from "../requests/file-request";
import { approveSchema, denySchema, fileRequestSchema } from "../requests/request-input";
import type { Db } from "../server/db";

const HOUR_MS = 3_600_000;

/** What the demo sets up, by day offsets from "today" (also what the e2e spec asserts). */
export const DEMO_GOVERNANCE = {
  defaultLimit: "5000",
  alertThresholds: [80, 100],
  /** an email channel that is plainly a demo: a local mail catcher (Mailpit, MailHog) on 1025 */
  alertChannel: {
    kind: "email" as const,
    name: "FinOps mail (demo: local mail catcher)",
    to: "finops@acme.example",
    smtpUrl: "smtp://127.0.0.1:1025",
    from: "allotment-demo@acme.example",
  },
  /** how many days before "today" each piece was set up, so the audit log reads as weeks of use */
  setUpDaysAgo: {
    defaultLimit: 35,
    groups: [28, 26, 21, 14],
    alertRules: 13,
    expiringOverride: 11,
    scheduledOverride: 2,
  },
  groups: [
    {
      name: "Platform",
      amount: "4000",
      poolCap: "34000",
      note: "Platform's pooled budget for the quarter, agreed with finance",
    },
    { name: "ML Research", amount: "8000", note: "model evaluation runs hot" },
    { name: "Mobile", amount: "3000", action: "ALERT_ONLY" as const, note: "release crunch" },
    { name: "Web", amount: "2500", product: "claude_code", note: "Claude Code pilot" },
  ],
  /** the engineer's override, ending this many days after today */
  expiringOverride: {
    email: "engineer@acme.example",
    amount: "4800",
    endsInDays: 3,
    note: "auth-service migration",
  },
  /** the manager's override, starting and ending this many days after today */
  scheduledOverride: {
    email: "manager@acme.example",
    amount: "6000",
    startsInDays: 5,
    endsInDays: 19,
    note: "KubeCon demo preparation",
  },
} as const;

export interface GovernanceSummary {
  policies: number;
  requests: { pending: number; approved: number; denied: number };
  alerts: number;
}

async function actorByEmail(db: Db, workspaceId: string, email: string): Promise<Actor> {
  const m = await db.member.findFirst({ where: { workspaceId, email }, select: { id: true } });
  const actor = m ? await loadActor(db, m.id) : null;
  if (!actor) throw new Error(`demo governance: no active member ${email}`);
  return actor;
}

/** The first active members of a group (by email), leaving out the demo people. */
async function peopleOf(db: Db, workspaceId: string, groupName: string, n: number) {
  const rows = await db.groupMember.findMany({
    where: {
      group: { workspaceId, name: groupName },
      member: { active: true, role: "MEMBER", email: { endsWith: "@acme.example" } },
    },
    select: { member: { select: { id: true, email: true } } },
    orderBy: { member: { email: "asc" } },
  });
  const demo = /^(owner|admin|finance|manager|engineer)@/;
  const picked = rows.map((r) => r.member).filter((m) => !demo.test(m.email));
  if (picked.length < n) throw new Error(`demo governance: group ${groupName} has too few people`);
  return Promise.all(picked.slice(0, n).map((m) => actorByEmail(db, workspaceId, m.email)));
}

/**
 * Sets the governance up once: a workspace that already has a limit or a request is left as
 * it is (the quick start runs the seed on every start). Returns null when it did nothing.
 */
export async function seedGovernance(
  db: Db,
  workspaceId: string,
  now: Date,
): Promise<GovernanceSummary | null> {
  const [policies, requests] = await Promise.all([
    db.limitPolicy.count({ where: { workspaceId } }),
    db.creditRequest.count({ where: { workspaceId } }),
  ]);
  if (policies > 0 || requests > 0) return null;
  const ws = await db.workspace.findUniqueOrThrow({
    where: { id: workspaceId },
    select: { timezone: true },
  });
  const today = todayIn(ws.timezone, now);
  const day = (n: number): DayKey => addDays(today, n);
  const hoursAgo = (h: number) => new Date(now.getTime() - h * HOUR_MS);
  // a working day's hour some days back (10:00 + a little, on the seed's clock)
  const daysAgo = (d: number, extraHours = 0) => hoursAgo(d * 24 - 10 + extraHours);
  const g = DEMO_GOVERNANCE;
  const ago = g.setUpDaysAgo;

  const owner = await actorByEmail(db, workspaceId, "owner@acme.example");
  const admin = await actorByEmail(db, workspaceId, "admin@acme.example");
  const manager = await actorByEmail(db, workspaceId, "manager@acme.example");
  const engineer = await actorByEmail(db, workspaceId, "engineer@acme.example");

  // limits: the owner's default, the admin's group limits and overrides
  const base = { softThresholdPct: 80, action: "BLOCK" as const };
  const policy = (input: Record<string, unknown>) => createPolicySchema.parse(input);
  /** An admin's override for one person on every product, from/until the given days. */
  const memberOverride = async (
    o: { email: string; amount: string; note: string },
    dates: { startsOn?: DayKey; expiresOn: DayKey },
    at: Date,
  ) =>
    createPolicy(
      db,
      admin,
      policy({
        scope: "MEMBER",
        memberId: (await actorByEmail(db, workspaceId, o.email)).memberId,
        product: "",
        amount: o.amount,
        ...base,
        ...dates,
        note: o.note,
      }),
      at,
    );
  await createPolicy(
    db,
    owner,
    policy({
      scope: "WORKSPACE",
      product: "",
      amount: g.defaultLimit,
      ...base,
      note: "company-wide default for AI coding agents",
    }),
    daysAgo(ago.defaultLimit),
  );
  const groupIds = new Map(
    (
      await db.group.findMany({
        where: { workspaceId, name: { in: g.groups.map((x) => x.name) } },
        select: { id: true, name: true },
      })
    ).map((x) => [x.name, x.id]),
  );
  for (const [i, gl] of g.groups.entries()) {
    const groupId = groupIds.get(gl.name);
    if (!groupId) throw new Error(`demo governance: no group ${gl.name}`);
    await createPolicy(
      db,
      admin,
      policy({
        scope: "GROUP",
        groupId,
        product: "product" in gl ? gl.product : "",
        amount: gl.amount,
        poolCap: "poolCap" in gl ? gl.poolCap : undefined,
        ...base,
        action: "action" in gl ? gl.action : "BLOCK",
        note: gl.note,
      }),
      daysAgo(ago.groups[i] ?? ago.groups[0], 1),
    );
  }
  // the owner keeps the alerts that call for action: 80 % and 100 %, not the 50 % default
  const rules = ruleFormOf(await loadRuleSettings(db, workspaceId));
  await updateRules(
    db,
    owner,
    { ...rules, thresholds: [...g.alertThresholds] },
    daysAgo(ago.alertRules, 2),
  );
  const exp = g.expiringOverride;
  await memberOverride(exp, { expiresOn: day(exp.endsInDays) }, daysAgo(ago.expiringOverride, 4));
  // requests, filed by several people at different times; some decided since
  const [mobile] = await peopleOf(db, workspaceId, "Mobile", 1);
  const [ml1, ml2] = await peopleOf(db, workspaceId, "ML Research", 2);
  const [payments] = await peopleOf(db, workspaceId, "Payments", 1);
  const [platform] = await peopleOf(db, workspaceId, "Platform", 1);
  // the bodies the screens would send, parsed by the same schemas as the routes
  const file = (actor: Actor, at: Date, input: Record<string, string>) =>
    fileRequest(db, actor, fileRequestSchema.parse(input), at);
  const approved = await file(mobile!, hoursAgo(9 * 24 + 3), {
    amount: "1000",
    reason: "Release 4.2 crunch: the offline-sync rewrite needs Codex for the test matrix",
    link: "https://tracker.acme.example/MOB-231",
    neededUntil: day(10),
    product: "",
  });
  await approveRequest(
    db,
    { kind: "member", actor: manager },
    approved.id,
    approveSchema.parse({ note: "Approved for the release; tell me if it runs over" }),
    hoursAgo(8 * 24 + 5),
  );
  const partly = await file(ml1!, hoursAgo(6 * 24 + 2), {
    amount: "3000",
    reason: "Evaluation runs for the ranking model: three more benchmark suites this month",
    neededUntil: day(14),
    product: "",
  });
  await approveRequest(
    db,
    { kind: "member", actor: admin },
    partly.id,
    approveSchema.parse({
      amount: "2000",
      note: "2,000 now; ask again if the evaluation runs long",
    }),
    hoursAgo(5 * 24 + 20),
  );
  const denied = await file(payments!, hoursAgo(5 * 24 + 6), {
    amount: "2500",
    reason: "Backfilling transaction descriptions for the ledger with the API",
    neededUntil: day(7),
    product: "",
  });
  await denyRequest(
    db,
    { kind: "member", actor: admin },
    denied.id,
    denySchema.parse({
      note: "Run the backfill on the Batch API: half the price, no rush on this one",
    }),
    hoursAgo(4 * 24 + 22),
  );
  await file(ml2!, hoursAgo(2 * 24 + 4), {
    amount: "1500",
    reason: "Fine-tuning experiments for the code-review assistant need more agent time",
    neededUntil: day(9),
    product: "",
  });
  const sch = g.scheduledOverride;
  await memberOverride(
    sch,
    { startsOn: day(sch.startsInDays), expiresOn: day(sch.endsInDays) },
    daysAgo(ago.scheduledOverride, 6),
  );

  await file(engineer, hoursAgo(20), {
    amount: "1500",
    reason: `My override for the auth-service migration ends on ${day(exp.endsInDays)}; the last two services still need Codex`,
    link: "https://tracker.acme.example/AUTH-412",
    neededUntil: day(12),
    product: "codex",
  });
  await file(platform!, hoursAgo(3), {
    amount: "800",
    reason: "On-call week: incident write-ups and the flaky-test hunt with Claude Code",
    neededUntil: day(7),
    product: "",
  });

  // the alerts all this raises now (near limits, projected run-outs, pools, anomalies)
  const evaluation = await evaluateAlerts(db, workspaceId, now);
  // the owner's alert channel, added today after the seed's check (nothing mails from the seed);
  // each step above is dated in the order it is written, so the audit log reads in time order
  await createChannel(db, owner, channelInputSchema.parse(g.alertChannel));
  return {
    policies: await db.limitPolicy.count({ where: { workspaceId } }),
    requests: { pending: 3, approved: 2, denied: 1 },
    alerts: evaluation.raised,
  };
}
