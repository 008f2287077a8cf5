/**
 * GitHub Copilot as an enforcing vendor. A person's limit at GitHub is the user-level budget
 * GitHub's precedence picks (lib/vendors/github/precedence.ts); Allotment writes the shared
 * budgets — the universal per-user budget and, where GitHub accepts the scope, one per cost
 * center (lib/vendors/github/translate.ts) — and an individual budget (with `expires_at`)
 * for each person whose limit differs from what they would inherit. In the per-member
 * machinery an individual budget is the "override" and the shared budget the "inherited"
 * value, so plans, reconcile, drift and reverts work as for the other vendors. Every GitHub
 * answer to a write is in the audit log.
 */
import "server-only";

import { SYSTEM_ACTOR, writeAudit, type AuditActor } from "../audit/audit";
import { loadWorkspaceEffectiveLimits } from "../limits/load-effective-limits";
import type { Db } from "../server/db";
import type { BudgetBody, GithubClient } from "../vendors/github/client";
import { budgetAmountMicros, wholeDollarsDown } from "../vendors/github/money";
import {
  amountOf,
  expiryOf,
  isCostCenterUserBudget,
  isIndividual,
  isSharedCap,
  isUniversal,
  userBudgets,
  type UserBudgets,
} from "../vendors/github/precedence";
import type { Budget } from "../vendors/github/schemas";
import { sharedTargets, type SharedPlan, type SharedTarget } from "../vendors/github/translate";
import { VendorError } from "../vendors/http";
import { describeVendorAmount } from "../vendors/units";
import { githubClient, writeBlocker, type ConnectorRow } from "./connectors";
import { desiredLimits } from "./plan-desired";
import { vendorEndFits } from "./vendor-override";

export const GITHUB_UNIT = "usd_whole" as const;

/** What GitHub enforces for one person, in the shape of vendor-state's Observed. */
export function observeGithub(login: string, email: string, v: UserBudgets) {
  const inherited = v.costCenter ?? v.universal;
  return {
    vendorUserId: login,
    email,
    effectiveMicros: amountOf(v.applicable),
    effectiveSource: v.source,
    hasOverride: v.individual !== null,
    overrideMicros: amountOf(v.individual),
    overrideId: v.individual?.id ?? null,
    inheritedKnown: true,
    inheritedMicros: amountOf(inherited),
    overrideTemporary: undefined,
    overrideEndsAt: v.individual ? expiryOf(v.individual.expires_at) : undefined,
  };
}

export interface GithubWorld {
  seats: { login: string; email: string | null; name: string | null }[];
  budgets: Budget[];
  costCenters: { id: string; name: string; users: string[] }[];
  /** login → cost center name */
  costCenterOf: Map<string, string>;
}

export async function readGithubWorld(client: GithubClient): Promise<GithubWorld> {
  const seats = await client.seats();
  const budgets = await client.budgets();
  const costCenters = await client.costCenters();
  const costCenterOf = new Map<string, string>();
  for (const cc of costCenters) for (const u of cc.users) costCenterOf.set(u, cc.name);
  return { seats, budgets, costCenters, costCenterOf };
}

/**
 * The vendor-state read for GitHub: every seat holder matched to a member, observed under
 * GitHub's rule; cost centers are recorded as vendor groups with their per-user budget.
 */
export async function readGithubVendor(
  db: Db,
  c: ConnectorRow,
  opts: {
    now: Date;
    match: (login: string, email: string) => string | null;
    wanted: Set<string>;
    full: boolean;
  },
) {
  const world = await readGithubWorld(githubClient(db, c, { waitForRate: true }));
  const byMember = new Map<string, ReturnType<typeof observeGithub>>();
  const unmatched: { userId: string; email: string; name: string | null; requests: string[] }[] =
    [];
  for (const s of world.seats) {
    const memberId = opts.match(s.login, s.email ?? "");
    if (!memberId) {
      if (opts.full)
        unmatched.push({ userId: s.login, email: s.email ?? "", name: s.name, requests: [] });
      continue;
    }
    if (!opts.wanted.has(memberId)) continue;
    const v = userBudgets(
      world.budgets,
      s.login,
      world.costCenterOf.get(s.login) ?? null,
      opts.now,
    );
    byMember.set(memberId, observeGithub(s.login, (s.email ?? "").toLowerCase(), v));
  }
  // cost centers as vendor groups with their per-user budget (vendor-state records them)
  const groups = world.costCenters.map((cc) => ({
    id: cc.id,
    name: cc.name,
    defaultMicros: amountOf(world.budgets.find((b) => isCostCenterUserBudget(b, cc.name)) ?? null),
  }));
  return { byMember, unmatched, world, groups };
}

const BODY_BASE = {
  prevent_further_usage: true,
  budget_alerting: { will_alert: false, alert_recipients: [] as string[] },
  budget_type: "BundlePricing" as const,
  budget_product_sku: "ai_credits" as const,
};

export interface SharedLine {
  scope: "universal" | "cost_center";
  name: string;
  fromMicros: bigint | null;
  target: SharedTarget;
  text: string;
}

/**
 * A GitHub budget that is not one person's, as the plan stores and the Enforcement screen
 * shows it. "per_user": an amount each person it governs may spend (the universal and the
 * cost-center per-user budgets, which Allotment writes). "cap": one total shared by everyone
 * it covers (cost center, organization, enterprise, repository; metered spend after the
 * pool) — never a person's allowance; Allotment reads it and leaves it alone.
 */
export interface SharedBudgetLine {
  kind: "per_user" | "cap";
  label: string;
  nowText: string;
  planText: string;
  meaning: string;
}

const SCOPE_NAMES: Record<string, string> = {
  enterprise: "Enterprise",
  organization: "Organization",
  cost_center: "Cost center",
  repository: "Repository",
};

/** The plan's lines for every GitHub budget that is not one person's. */
export function sharedBudgetLines(lines: SharedLine[], budgets: Budget[]): SharedBudgetLine[] {
  const money = (v: bigint | null) => describeVendorAmount(v, GITHUB_UNIT);
  const out: SharedBudgetLine[] = lines.map((l) => ({
    kind: "per_user",
    label: l.name,
    nowText: l.fromMicros === null ? "unset" : `${money(l.fromMicros)} per person`,
    planText: l.text.slice(l.name.length + 2),
    meaning:
      l.scope === "universal"
        ? "Each person without a more specific budget may spend up to this a month (pool and metered credits); stop usage is on."
        : "Each member of this cost center without an individual budget may spend up to this a month; stop usage is on.",
  }));
  for (const b of budgets.filter(isSharedCap)) {
    const entity = b.budget_entity_name ? ` “${b.budget_entity_name}”` : "";
    const used =
      typeof b.consumed_amount === "number"
        ? `; ${describeVendorAmount(budgetAmountMicros(b.consumed_amount), "usd")} used so far`
        : "";
    out.push({
      kind: "cap",
      label: `${SCOPE_NAMES[b.budget_scope] ?? b.budget_scope} budget${entity}`,
      nowText: `${money(amountOf(b))} in total${used}`,
      planText: "left as it is (Allotment does not write shared caps)",
      meaning: `A cap on the metered AI-credit spend of everyone it covers together, after the included pool — shared, not a per-person allowance. ${
        b.prevent_further_usage
          ? "When it runs out GitHub stops usage for all of them, whatever their own budgets say; it never raises anyone's limit."
          : "Stop usage is off: it only alerts."
      }`,
    });
  }
  return out;
}

/** The shared budgets Allotment wants now, from the stored states and a fresh read. */
export async function planGithubShared(
  db: Db,
  c: ConnectorRow,
  world: GithubWorld,
  now: Date,
): Promise<{ plan: SharedPlan; lines: SharedLine[]; inheritedAfter: Map<string, bigint | null> }> {
  const states = await db.vendorLimitState.findMany({ where: { connectorId: c.id } });
  const memberIds = states.map((s) => s.memberId);
  const desired = await desiredLimits(db, c, GITHUB_UNIT, now, memberIds);
  const limits = await loadWorkspaceEffectiveLimits(db, c.workspaceId, now, new Set(memberIds));
  const level = new Map(limits.members.map((m) => [m.memberId, m.effective.level as string]));
  // which cost center a group limit mirrors: the group imported from it, or linked to it
  const policyIds = limits.members.map((m) => m.effective.policyId).filter((x): x is string => !!x);
  const policies = await db.limitPolicy.findMany({
    where: { id: { in: policyIds }, scope: "GROUP" },
    select: { id: true, groupId: true },
  });
  const groups = await db.group.findMany({
    where: { workspaceId: c.workspaceId },
    select: { id: true, name: true, source: true, externalId: true },
  });
  const links = await db.vendorGroupLink.findMany({ where: { connectorId: c.id } });
  const ccOfGroup = new Map<string, string>();
  for (const cc of world.costCenters) {
    const linked = links.find((l) => l.vendorGroupId === cc.id && l.groupId)?.groupId;
    const g =
      groups.find((x) => x.id === linked) ??
      groups.find((x) => x.externalId === cc.id) ??
      groups.find((x) => x.source === "github" && x.name === cc.name);
    if (g) ccOfGroup.set(g.id, cc.name);
  }
  const groupOfPolicy = new Map(policies.map((p) => [p.id, p.groupId]));
  const groupCc = new Map(
    limits.members.map((m) => {
      const gid = m.effective.policyId ? groupOfPolicy.get(m.effective.policyId) : null;
      return [m.memberId, gid ? (ccOfGroup.get(gid) ?? null) : null];
    }),
  );
  const people = states.map((s) => {
    const d = desired.get(s.memberId);
    const v = userBudgets(
      world.budgets,
      s.vendorUserId,
      world.costCenterOf.get(s.vendorUserId) ?? null,
      now,
    );
    return {
      memberId: s.memberId,
      login: s.vendorUserId,
      costCenter: world.costCenterOf.get(s.vendorUserId) ?? null,
      managed: d?.managed ?? false,
      level: level.get(s.memberId) ?? "NONE",
      groupCostCenter: groupCc.get(s.memberId) ?? null,
      micros: d?.micros ?? null,
      hasIndividual: v.individual !== null,
    };
  });
  const writable = new Set(
    c.vendorWorkspaceId?.startsWith("enterprise:") ? world.costCenters.map((x) => x.name) : [],
  );
  const existingCc = new Set(
    world.costCenters
      .filter((x) => world.budgets.some((b) => isCostCenterUserBudget(b, x.name)))
      .map((x) => x.name),
  );
  const plan = sharedTargets(people, writable, existingCc);
  const universalNow = world.budgets.find(isUniversal) ?? null;
  const after = (t: SharedTarget, current: Budget | null) =>
    t.kind === "set" ? t.micros : t.kind === "delete" ? null : amountOf(current);
  const universalAfter = after(plan.universal, universalNow);
  const ccAfter = new Map<string, bigint | null>();
  const hasCcAfter = new Set<string>();
  for (const cc of world.costCenters) {
    const current = world.budgets.find((b) => isCostCenterUserBudget(b, cc.name)) ?? null;
    const t = plan.costCenters.get(cc.name) ?? { kind: "keep" as const };
    const v = after(t, current);
    if (t.kind === "set" || (t.kind === "keep" && current)) hasCcAfter.add(cc.name);
    ccAfter.set(cc.name, v);
  }
  const inheritedAfter = new Map<string, bigint | null>();
  for (const p of people)
    inheritedAfter.set(
      p.memberId,
      p.costCenter && hasCcAfter.has(p.costCenter) ? ccAfter.get(p.costCenter)! : universalAfter,
    );
  const money = (v: bigint | null) => describeVendorAmount(v, GITHUB_UNIT);
  const lineOf = (
    scope: SharedLine["scope"],
    name: string,
    current: Budget | null,
    t: SharedTarget,
  ): SharedLine => ({
    scope,
    name,
    fromMicros: amountOf(current),
    target: t,
    text:
      t.kind === "keep"
        ? `${name}: stays ${current ? money(amountOf(current)) : "unset"} (no Allotment limit at this level)`
        : t.waitsFor.length &&
            (t.kind === "delete" ? current !== null : !current || amountOf(current)! < t.micros)
          ? `${name}: ${current ? money(amountOf(current)) : "unset"} → ${t.kind === "delete" ? "no budget" : money(t.micros)} once ${t.waitsFor.length} person(s) it would over-allow have individual budgets`
          : t.kind === "delete"
            ? `${name}: ${current ? `remove (${money(amountOf(current))} → no budget)` : "none (Allotment: no limit)"}`
            : current && amountOf(current) === t.micros
              ? `${name}: stays ${money(t.micros)}`
              : `${name}: ${current ? money(amountOf(current)) : "unset"} → ${money(t.micros)}`,
  });
  const lines = [lineOf("universal", "Universal per-user budget", universalNow, plan.universal)];
  for (const [name, t] of plan.costCenters)
    lines.push(
      lineOf(
        "cost_center",
        `Per-user budget of cost center “${name}”`,
        world.budgets.find((b) => isCostCenterUserBudget(b, name)) ?? null,
        t,
      ),
    );
  return { plan, lines, inheritedAfter };
}

/** Writes the shared budgets (universal, per cost center) where GitHub differs; audited with GitHub's answers. */
export async function syncGithubSharedBudgets(
  db: Db,
  c: ConnectorRow,
  now: Date,
  actor: AuditActor = { ...SYSTEM_ACTOR, label: "enforcement (GitHub shared budgets)" },
): Promise<{ writes: number; notes: string[] }> {
  const notes: string[] = [];
  if (await writeBlocker(db, c)) return { writes: 0, notes };
  const client = githubClient(db, c, { waitForRate: true });
  const world = await readGithubWorld(client);
  const { lines } = await planGithubShared(db, c, world, now);
  let writes = 0;
  for (const l of lines) {
    const current =
      l.scope === "universal"
        ? (world.budgets.find(isUniversal) ?? null)
        : (world.budgets.find((b) =>
            isCostCenterUserBudget(b, l.name.replace(/^.*“(.*)”$/, "$1")),
          ) ?? null);
    const ccName = l.scope === "cost_center" ? l.name.replace(/^.*“(.*)”$/, "$1") : "";
    const t = l.target;
    const raising =
      (t.kind === "set" && (!current || budgetAmountMicros(current.budget_amount) < t.micros)) ||
      (t.kind === "delete" && current !== null);
    if (raising && t.waitsFor.length) {
      notes.push(
        `${l.name} waits: it would allow ${t.waitsFor.length} person(s) more than Allotment until their individual budgets are in place.`,
      );
      continue;
    }
    let response: unknown = null;
    let action = "";
    try {
      if (t.kind === "set") {
        const dollars = wholeDollarsDown(t.micros);
        if (current && budgetAmountMicros(current.budget_amount) === t.micros) continue;
        if (current) {
          response = (
            await client.updateBudget(current.id, {
              budget_amount: dollars,
              prevent_further_usage: true,
            })
          ).raw;
          action = "update";
        } else {
          const body: BudgetBody = {
            ...BODY_BASE,
            budget_amount: dollars,
            budget_scope:
              l.scope === "universal" ? "multi_user_customer" : "multi_user_cost_center",
            budget_entity_name: ccName,
          };
          response = (await client.createBudget(body)).raw;
          action = "create";
        }
      } else if (t.kind === "delete" && current) {
        response = (await client.deleteBudget(current.id)).raw;
        action = "delete";
      } else continue;
    } catch (error) {
      // the create body of multi_user_cost_center is unconfirmed (§6): a refusal leaves the
      // cost center's people to the universal budget plus individual budgets
      if (l.scope === "cost_center" && error instanceof VendorError && error.kind === "rejected") {
        notes.push(
          `GitHub refused a per-user budget for cost center “${ccName}” (${error.message}): its members get individual budgets instead.`,
        );
        response = error.body;
        action = "refused";
      } else throw error;
    }
    writes += action === "refused" ? 0 : 1;
    await db.$transaction((tx) =>
      writeAudit(tx, {
        workspaceId: c.workspaceId,
        actor,
        action: `enforcement.github.shared_budget.${action}`,
        targetType: "VendorConnector",
        targetId: c.id,
        before: { budget: l.name, amount: current ? current.budget_amount : null },
        after: { detail: l.text, vendorResponse: response },
      }),
    );
  }
  return { writes, notes };
}

/**
 * One member's GitHub state now (the re-read before a job writes): the budget list only —
 * the person's cost center comes from the last full read (cost centers change rarely; a job
 * must not spend the rate budget re-reading them all).
 */
export async function readOneGithub(db: Db, c: ConnectorRow, login: string, now: Date) {
  const client = githubClient(db, c);
  const budgets = await client.budgets();
  const links = await db.vendorGroupLink.findMany({
    where: { connectorId: c.id },
    select: { vendorGroupName: true },
  });
  const state = await db.vendorLimitState.findFirst({
    where: { connectorId: c.id, vendorUserId: login },
    select: { inheritedMicros: true },
  });
  // the cost center whose per-user budget the person inherited at the last read, if any
  const cc =
    links
      .map((l) => l.vendorGroupName)
      .find((name) =>
        budgets.some(
          (b) =>
            isCostCenterUserBudget(b, name) &&
            state?.inheritedMicros === budgetAmountMicros(b.budget_amount),
        ),
      ) ?? null;
  // GitHub may still list an individual budget whose expires_at has passed (whether it removes
  // or keeps it is unconfirmed): it no longer applies, but it is the person's budget to update
  const lapsed = budgets.find((b) => isIndividual(b, login)) ?? null;
  return { view: userBudgets(budgets, login, cc, now), lapsed, client };
}

/**
 * Sets or removes a person's individual budget. `expires_at` carries the grant's end (its
 * format is unconfirmed: sent as an ISO date-time; if GitHub refuses it, an update clears the
 * field and a new budget goes without it, and Allotment reverts on time itself, as it does
 * anyway); a value with no end sends `expires_at: null` on an update, so an earlier grant's end
 * does not stay. A budget with the same amount but an end Allotment no longer wants is rewritten.
 */
export async function writeGithubIndividual(
  db: Db,
  c: ConnectorRow,
  login: string,
  target: { set: true; micros: bigint; expiresAt: string | null } | { set: false },
  now: Date,
) {
  const { view, lapsed, client } = await readOneGithub(db, c, login, now);
  const before = observeGithub(login, "", view);
  if (!target.set) {
    if (!view.individual)
      return { already: true, before, after: before, response: null as unknown };
    const r = await client.deleteBudget(view.individual.id);
    const inherited = view.costCenter ?? view.universal;
    return {
      already: false,
      before,
      after: {
        ...before,
        hasOverride: false,
        overrideMicros: null,
        overrideId: null,
        effectiveMicros: amountOf(inherited),
        effectiveSource: view.costCenter ? "cost_center" : view.universal ? "universal" : "none",
      },
      response: r.raw,
    };
  }
  const dollars = wholeDollarsDown(target.micros);
  // the end counts as much as the amount: an end the budget keeps that Allotment no longer wants
  // (a grant's, or one removed or moved since) would make GitHub drop the budget on that date
  const endFits = vendorEndFits(
    expiryOf(view.individual?.expires_at),
    target.expiresAt ? new Date(target.expiresAt) : null,
  );
  if (
    view.individual &&
    endFits &&
    budgetAmountMicros(view.individual.budget_amount) === BigInt(dollars) * 1_000_000n
  )
    return { already: true, before, after: before, response: null as unknown };
  const own = view.individual ?? lapsed;
  // undefined = the field left out
  const write = async (expiresAt: string | null | undefined) => {
    if (own)
      return client.updateBudget(own.id, {
        budget_amount: dollars,
        ...(expiresAt !== undefined ? { expires_at: expiresAt } : {}),
      });
    return client.createBudget({
      ...BODY_BASE,
      budget_amount: dollars,
      budget_scope: "user",
      budget_entity_name: "",
      user: login,
      ...(expiresAt ? { expires_at: expiresAt } : {}),
    });
  };
  // an update states the end either way: the grant's, or none (clearing an earlier one). If
  // GitHub refuses the end, an update clears the old end instead (Allotment reverts on time
  // itself), and only if that is refused too leaves the field out
  const tries: (string | null | undefined)[] = own
    ? [...new Set([target.expiresAt, null]), undefined]
    : target.expiresAt
      ? [target.expiresAt, undefined]
      : [undefined];
  let r;
  for (const [i, expiresAt] of tries.entries()) {
    try {
      r = await write(expiresAt);
      break;
    } catch (error) {
      const refusedEnd =
        error instanceof VendorError &&
        error.kind === "rejected" &&
        /expires_at/i.test(error.message);
      if (!refusedEnd || i === tries.length - 1) throw error;
    }
  }
  if (!r) throw new Error("GitHub budget write gave no answer");
  const micros = BigInt(dollars) * 1_000_000n;
  return {
    already: false,
    before,
    after: {
      ...before,
      hasOverride: true,
      overrideMicros: micros,
      overrideId: r.budget.id,
      effectiveMicros: micros,
      effectiveSource: "user",
    },
    response: r.raw,
  };
}

/**
 * The plan's view of GitHub: what each person inherits once the shared budgets are written
 * (so individual budgets are planned against that), the shared budget lines, and the people
 * for whom GitHub's rule cannot give Allotment's value (what is written instead, and why).
 */
export async function githubPlanContext(db: Db, c: ConnectorRow, now: Date) {
  const world = await readGithubWorld(githubClient(db, c, { waitForRate: true }));
  const { lines, inheritedAfter } = await planGithubShared(db, c, world, now);
  const desired = await desiredLimits(db, c, GITHUB_UNIT, now, [...inheritedAfter.keys()]);
  const cannot: string[] = [];
  for (const [memberId, inherited] of inheritedAfter) {
    const d = desired.get(memberId);
    if (d?.managed && d.micros === null && inherited !== null)
      cannot.push(
        `${d.name}: Allotment allows unlimited, but GitHub has no unlimited individual budget; the shared ${describeVendorAmount(inherited, GITHUB_UNIT)} budget applies instead (stricter than Allotment).`,
      );
  }
  return {
    /** the shared budget lines, then where GitHub's rule cannot give Allotment's value */
    notes: [...lines.map((l) => l.text), ...cannot],
    cannot,
    shared: sharedBudgetLines(lines, world.budgets),
    adjust<O extends { inheritedKnown: boolean; inheritedMicros: bigint | null }>(
      memberId: string,
      o: O,
    ): O {
      return inheritedAfter.has(memberId)
        ? { ...o, inheritedKnown: true, inheritedMicros: inheritedAfter.get(memberId)! }
        : o;
    },
  };
}
