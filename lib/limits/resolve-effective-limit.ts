/**
 * THE effective-limit rule (DESIGN.md "Effective limit"), as one pure function: every
 * screen, the budget-check API, credit requests and the vendor connectors ask it.
 *
 *   1. an active MEMBER override (product-scoped beats all-products; among several active
 *      ones at that product level — an editor's override and the overrides approved
 *      requests added beside it — the most generous);
 *   2. otherwise the most generous active GROUP per-member limit among the member's groups;
 *   3. otherwise the workspace default; otherwise unlimited.
 * Pooled caps (a group's pool, the workspace cap) apply on top: the member is over budget
 * when their own limit or any pool they draw from is exhausted. The reason names the chosen
 * policy and every pool that binds (sets the remaining amount or the state).
 *
 * No Prisma, no Next: inputs are plain values so unit and property tests reach it directly.
 */
import { microsToDecimal } from "../core/money";

export type LimitScope = "WORKSPACE" | "GROUP" | "MEMBER";
export type LimitAction = "BLOCK" | "ALERT_ONLY" | "DEGRADE" | "QUEUE";

export interface PolicyInput {
  id: string;
  scope: LimitScope;
  groupId: string | null;
  memberId: string | null;
  /** "" = all products */
  product: string;
  amountMicros: bigint | null;
  poolCapMicros: bigint | null;
  softThresholdPct: number;
  action: LimitAction;
  startsAt: Date | null;
  expiresAt: Date | null;
  note: string | null;
  sourceRequestId: number | null;
}

/** Usage in the budget unit this period, by product ("" is never a key here). */
export type ProductUsage = ReadonlyMap<string, bigint>;

export interface ResolveInput {
  memberId: string | null;
  /** "" = the question is about all products */
  product: string;
  /** the member's groups (names for reasons) */
  groups: readonly { id: string; name: string }[];
  /** any superset of the relevant policies; inactive and unrelated ones are ignored */
  policies: readonly PolicyInput[];
  now: Date;
  usage: {
    member: ProductUsage;
    groups: ReadonlyMap<string, ProductUsage>;
    workspace: ProductUsage;
  };
  /** renders an expiry instant as the day a person reads ("2026-12-31"), in the workspace timezone */
  formatUntil?: (expiresAt: Date) => string;
  /** set when the member could not be identified (budget-check of an unknown person) */
  unknownMember?: boolean;
}

export type LimitState = "ok" | "soft" | "over";

export interface PoolState {
  kind: "GROUP" | "WORKSPACE";
  policyId: string;
  groupId: string | null;
  name: string;
  capMicros: bigint;
  usedMicros: bigint;
  remainingMicros: bigint;
  exhausted: boolean;
}

export interface EffectiveLimit {
  /** the member's own limit; null = unlimited */
  limitMicros: bigint | null;
  /** what counts against the own limit (the chosen policy's product, or all products) */
  usedMicros: bigint;
  /** min(own remaining, every pool's remaining), never below 0; null = unlimited */
  remainingMicros: bigint | null;
  softThresholdPct: number;
  state: LimitState;
  action: LimitAction;
  /** false only when over budget and the action stops the call (BLOCK, QUEUE) */
  allowed: boolean;
  level: LimitScope | "NONE";
  policyId: string | null;
  /** the policy's product scope ("" = all products) */
  policyProduct: string;
  reason: string;
  pools: PoolState[];
}

const DEFAULT_THRESHOLD = 80;

/** A policy is in force from its start (inclusive) until its expiry (exclusive). */
export function isPolicyActive(p: Pick<PolicyInput, "startsAt" | "expiresAt">, now: Date): boolean {
  if (p.startsAt && p.startsAt.getTime() > now.getTime()) return false;
  if (p.expiresAt && p.expiresAt.getTime() <= now.getTime()) return false;
  return true;
}

/** isPolicyActive as a database filter (a Prisma `where` fragment), for reads that narrow in SQL. */
export function activePolicyWhere(now: Date) {
  return {
    OR: [{ startsAt: null }, { startsAt: { lte: now } }],
    AND: [{ OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] }],
  };
}

/** Sum of usage covered by a product scope ("" = every product). */
export function usageFor(usage: ProductUsage | undefined, product: string): bigint {
  if (!usage) return 0n;
  if (product !== "") return usage.get(product) ?? 0n;
  let total = 0n;
  for (const v of usage.values()) total += v;
  return total;
}

/** The most generous of some policies (ties: the earliest in the list, so the answer is stable). */
function mostGenerous<T extends PolicyInput>(list: readonly T[]): T | undefined {
  let best: T | undefined;
  for (const p of list) if (!best || (p.amountMicros ?? 0n) > (best.amountMicros ?? 0n)) best = p;
  return best;
}

/**
 * Among active policies of one level (one group, or the member's overrides): those for
 * product P beat the all-products ones; among several at that product level (an editor's
 * override beside the overrides approved requests added), the most generous wins.
 */
function pickScoped<T extends PolicyInput>(
  candidates: readonly T[],
  product: string,
): { chosen: T; of: number } | undefined {
  if (product !== "") {
    const scoped = candidates.filter((p) => p.product === product);
    if (scoped.length > 0) return { chosen: mostGenerous(scoped)!, of: scoped.length };
  }
  const all = candidates.filter((p) => p.product === "");
  return all.length > 0 ? { chosen: mostGenerous(all)!, of: all.length } : undefined;
}

function appliesTo(p: PolicyInput, product: string): boolean {
  return p.product === "" || p.product === product;
}

function productLabel(product: string): string {
  return product === "" ? "" : ` (${product} only)`;
}

function stateOf(limit: bigint | null, used: bigint, pct: number): LimitState {
  if (limit === null) return "ok";
  if (used >= limit) return "over";
  // integer compare: used/limit ≥ pct/100
  if (used * 100n >= limit * BigInt(pct)) return "soft";
  return "ok";
}

function maxState(a: LimitState, b: LimitState): LimitState {
  const rank = { ok: 0, soft: 1, over: 2 } as const;
  return rank[a] >= rank[b] ? a : b;
}

function overrideReason(p: PolicyInput, formatUntil: (d: Date) => string): string {
  const until = p.expiresAt ? ` until ${formatUntil(p.expiresAt)}` : "";
  if (p.sourceRequestId !== null) {
    // the approval stores "request #N approved by X" as the note
    const base =
      p.note && p.note.startsWith(`request #${p.sourceRequestId}`)
        ? p.note
        : `override from request #${p.sourceRequestId}`;
    return `${base}${until}`;
  }
  return `individual override${until}${p.note ? ` — ${p.note}` : ""}`;
}

const isoDay = (d: Date) => d.toISOString().slice(0, 10);

/**
 * Micro-units as a person reads them in a reason, without a unit, to the cent (half-even, like
 * every displayed amount) and without trailing zeros: 5000000000n → "5,000", 10500000n → "10.5",
 * 1234567891n → "1,234.57".
 */
export function reasonAmount(micros: bigint): string {
  const [whole = "0", frac = ""] = microsToDecimal(micros, 2).split(".");
  const digits = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const cents = frac.replace(/0+$/, "");
  return `${digits}${cents ? `.${cents}` : ""}`;
}

const STATE_RANK = { ok: 0, soft: 1, over: 2 } as const;

export function resolveEffectiveLimit(input: ResolveInput): EffectiveLimit {
  const { product, now } = input;
  const formatUntil = input.formatUntil ?? isoDay;
  const active = input.policies.filter((p) => appliesTo(p, product) && isPolicyActive(p, now));
  const groupNames = new Map(input.groups.map((g) => [g.id, g.name]));

  let chosen: PolicyInput | undefined;
  let level: EffectiveLimit["level"] = "NONE";
  let reason = "unlimited";

  // 1. individual override
  if (input.memberId !== null) {
    const own = active.filter(
      (p) => p.scope === "MEMBER" && p.memberId === input.memberId && p.amountMicros !== null,
    );
    const pick = pickScoped(own, product);
    if (pick) {
      chosen = pick.chosen;
      level = "MEMBER";
      reason =
        overrideReason(chosen, formatUntil) +
        productLabel(chosen.product) +
        (pick.of > 1 ? `, most generous of ${pick.of} overrides` : "");
    }
  }

  // 2. most generous group per-member limit
  if (!chosen) {
    const perGroup: PolicyInput[] = [];
    for (const g of input.groups) {
      const p = pickScoped(
        active.filter((x) => x.scope === "GROUP" && x.groupId === g.id && x.amountMicros !== null),
        product,
      );
      if (p) perGroup.push(p.chosen);
    }
    if (perGroup.length > 0) {
      // most generous; ties go to the product-scoped one, then the group name, so the answer is stable
      perGroup.sort((a, b) => {
        const d = (b.amountMicros ?? 0n) - (a.amountMicros ?? 0n);
        if (d !== 0n) return d > 0n ? 1 : -1;
        if (a.product !== b.product) return a.product === "" ? 1 : -1;
        return (groupNames.get(a.groupId ?? "") ?? "").localeCompare(
          groupNames.get(b.groupId ?? "") ?? "",
        );
      });
      chosen = perGroup[0]!;
      level = "GROUP";
      const name = groupNames.get(chosen.groupId ?? "") ?? "?";
      reason = `group ${name}${perGroup.length > 1 ? `, most generous of ${perGroup.length} groups` : ""}${productLabel(chosen.product)}`;
    }
  }

  // 3. workspace default
  if (!chosen) {
    chosen = pickScoped(
      active.filter((p) => p.scope === "WORKSPACE" && p.amountMicros !== null),
      product,
    )?.chosen;
    if (chosen) {
      level = "WORKSPACE";
      reason = `workspace default${productLabel(chosen.product)}`;
    }
  }

  const limitMicros = chosen?.amountMicros ?? null;
  const policyProduct = chosen?.product ?? product;
  const usedMicros = usageFor(input.usage.member, policyProduct);
  const softThresholdPct = chosen?.softThresholdPct ?? DEFAULT_THRESHOLD;
  const ownState = stateOf(limitMicros, usedMicros, softThresholdPct);
  let state = ownState;
  let action: LimitAction = chosen?.action ?? "BLOCK";
  const ownRemaining: bigint | null = limitMicros === null ? null : limitMicros - usedMicros;
  let remainingMicros = ownRemaining;
  const poolStates = new Map<string, LimitState>();

  // pooled caps on top: every active pool covering this product that the member draws from
  const pools: PoolState[] = [];
  const memberGroupIds = new Set(input.groups.map((g) => g.id));
  for (const p of active) {
    if (p.poolCapMicros === null) continue;
    let pool: PoolState | undefined;
    if (p.scope === "GROUP" && p.groupId && memberGroupIds.has(p.groupId)) {
      const used = usageFor(input.usage.groups.get(p.groupId), p.product);
      pool = {
        kind: "GROUP",
        policyId: p.id,
        groupId: p.groupId,
        name: `group ${groupNames.get(p.groupId) ?? "?"} pool`,
        capMicros: p.poolCapMicros,
        usedMicros: used,
        remainingMicros: p.poolCapMicros - used,
        exhausted: used >= p.poolCapMicros,
      };
    } else if (p.scope === "WORKSPACE") {
      const used = usageFor(input.usage.workspace, p.product);
      pool = {
        kind: "WORKSPACE",
        policyId: p.id,
        groupId: null,
        name: "workspace cap",
        capMicros: p.poolCapMicros,
        usedMicros: used,
        remainingMicros: p.poolCapMicros - used,
        exhausted: used >= p.poolCapMicros,
      };
    }
    if (!pool) continue;
    pools.push(pool);
    const poolState = stateOf(pool.capMicros, pool.usedMicros, p.softThresholdPct);
    poolStates.set(pool.policyId, poolState);
    if (poolState === "over" && state !== "over") action = p.action; // the binding constraint's action
    state = maxState(state, poolState);
    if (remainingMicros === null || pool.remainingMicros < remainingMicros)
      remainingMicros = pool.remainingMicros;
  }
  pools.sort((a, b) => a.name.localeCompare(b.name));
  if (remainingMicros !== null && remainingMicros < 0n) remainingMicros = 0n;

  // every pool that binds — exhausted, or setting the remaining amount (less left than the own
  // limit allows) or the state (worse than the own limit's) — is named, with what is left of it
  const clamp = (v: bigint) => (v < 0n ? 0n : v);
  const binding = pools.filter((p) => {
    const left = clamp(p.remainingMicros);
    const setsRemaining =
      remainingMicros !== null &&
      left === remainingMicros &&
      (ownRemaining === null || left < clamp(ownRemaining));
    const setsState = STATE_RANK[poolStates.get(p.policyId) ?? "ok"] > STATE_RANK[ownState];
    return p.exhausted || setsRemaining || setsState;
  });
  if (binding.length > 0) {
    reason += `; ${binding.map((p) => (p.exhausted ? `${p.name} exhausted` : `${p.name}: ${reasonAmount(clamp(p.remainingMicros))} left of ${reasonAmount(p.capMicros)}`)).join(", ")}`;
  }
  if (input.unknownMember)
    reason = `unknown member: ${reason === "unlimited" ? "no workspace default, unlimited" : reason.replace(/^workspace default/, "workspace default applies")}`;

  const allowed = !(state === "over" && (action === "BLOCK" || action === "QUEUE"));
  return {
    limitMicros,
    usedMicros,
    remainingMicros,
    softThresholdPct,
    state,
    action,
    allowed,
    level,
    policyId: chosen?.id ?? null,
    policyProduct,
    reason,
    pools,
  };
}
