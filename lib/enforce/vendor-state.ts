/**
 * Reads what a vendor currently enforces for each Allotment member it knows (matched by
 * email) and stores it as VendorLimitState: the basis of plans, of drift and of the
 * re-read before every write. Amounts are micro-units of the vendor's unit; null = unlimited.
 */
import "server-only";
import type { Db } from "../db";
import { overrideRule, ruleAmount, type UserLimit } from "./chatgpt-client";
import type { EffectiveRow } from "./claude-client";
import { chatgptClient, claudeClient, type ConnectorRow } from "./connectors";
import { parseClaudeAmount, type VendorUnit } from "./units";

export interface Observed {
  vendorUserId: string;
  email: string;
  effectiveMicros: bigint | null;
  effectiveSource: string;
  hasOverride: boolean;
  overrideMicros: bigint | null;
  overrideId: string | null;
  /** true when we know what the member gets without an override */
  inheritedKnown: boolean;
  inheritedMicros: bigint | null;
  /** ChatGPT: the override ends with the vendor's period on its own */
  overrideTemporary: boolean;
}

export function observeChatgpt(u: UserLimit, email: string): Observed {
  const o = overrideRule(u);
  const eff = u.effective_monthly_usage_limit;
  const inh = u.inherited_monthly_usage_limit ?? null;
  const effAmount = eff?.limit ? ruleAmount(eff.limit).micros : null;
  return {
    vendorUserId: u.id,
    email,
    effectiveMicros: effAmount,
    effectiveSource: eff?.source.kind ?? "unknown",
    hasOverride: o !== null,
    overrideMicros: o ? ruleAmount(o).micros : null,
    overrideId: null,
    inheritedKnown: inh !== null || o === null,
    inheritedMicros: inh?.limit ? ruleAmount(inh.limit).micros : o === null ? effAmount : null,
    overrideTemporary: !!(o && (o.temporary || o.limit_expires_at)),
  };
}

export function observeClaude(r: EffectiveRow, previous?: { inheritedKnown: boolean; inheritedMicros: bigint | null }): Observed {
  const isUser = r.source.type === "user";
  const eff = r.amount === null ? null : parseClaudeAmount(r.amount);
  return {
    vendorUserId: r.actor.user_id,
    email: r.actor.email_address.toLowerCase(),
    effectiveMicros: eff,
    effectiveSource: r.source.type,
    hasOverride: isUser,
    overrideMicros: isUser ? eff : null,
    overrideId: isUser ? (r.spend_limit_id ?? null) : null,
    // without an override the effective value IS the inherited one; with one, only an earlier read knows it
    inheritedKnown: isUser ? (previous?.inheritedKnown ?? false) : true,
    inheritedMicros: isUser ? (previous?.inheritedMicros ?? null) : eff,
    overrideTemporary: false,
  };
}

export interface VendorSnapshot {
  unit: VendorUnit;
  /** by Allotment member id */
  byMember: Map<string, Observed>;
  /** vendor users with no Allotment member of that email */
  unmatched: string[];
}

/** Reads the vendor for all members (or some), stores the states, and returns them. */
export async function readVendor(db: Db, c: ConnectorRow, opts: { memberIds?: string[]; now: Date }): Promise<VendorSnapshot> {
  const members = await db.member.findMany({ where: { workspaceId: c.workspaceId, active: true, ...(opts.memberIds ? { id: { in: opts.memberIds } } : {}) }, select: { id: true, email: true } });
  const byEmail = new Map(members.map((m) => [m.email.toLowerCase(), m.id]));
  const previous = new Map((await db.vendorLimitState.findMany({ where: { connectorId: c.id } })).map((s) => [s.memberId, s]));
  const byMember = new Map<string, Observed>();
  const unmatched: string[] = [];
  let unit: VendorUnit = (c.vendorUnit as VendorUnit | null) ?? "usd";

  if (c.vendor === "claude") {
    const client = claudeClient(db, c, { waitForRate: true });
    const ids = opts.memberIds ? [...previous.values()].filter((s) => opts.memberIds!.includes(s.memberId)).map((s) => s.vendorUserId) : [];
    const rows = await client.effective(opts.memberIds && ids.length ? ids : []);
    for (const r of rows) {
      const memberId = byEmail.get(r.actor.email_address.toLowerCase());
      if (!memberId) {
        if (!opts.memberIds) unmatched.push(r.actor.email_address);
        continue;
      }
      byMember.set(memberId, observeClaude(r, previous.get(memberId)));
    }
    unit = "usd";
  } else {
    const client = chatgptClient(db, c, { waitForRate: true });
    const known = new Map([...previous.values()].map((s) => [s.memberId, s.vendorUserId]));
    const targets: { memberId: string; userId: string; email: string }[] = [];
    if (opts.memberIds && opts.memberIds.every((id) => known.has(id))) {
      for (const id of opts.memberIds) targets.push({ memberId: id, userId: known.get(id)!, email: members.find((m) => m.id === id)?.email ?? "" });
    } else {
      for await (const u of client.users()) {
        const memberId = byEmail.get(u.email.toLowerCase());
        if (!memberId) unmatched.push(u.email);
        else targets.push({ memberId, userId: u.id, email: u.email.toLowerCase() });
      }
    }
    if (!c.vendorUnit && targets[0]) {
      unit = (await client.monthlyUsage(targets[0].userId)).current_month_usage_unit;
      await db.vendorConnector.update({ where: { id: c.id }, data: { vendorUnit: unit } });
      c.vendorUnit = unit;
    }
    for (const t of targets) byMember.set(t.memberId, observeChatgpt(await client.userLimit(t.userId), t.email));
  }

  for (const [memberId, o] of byMember) {
    const data = {
      vendorUserId: o.vendorUserId,
      effectiveMicros: o.effectiveMicros,
      effectiveSource: o.effectiveSource,
      hasOverride: o.hasOverride,
      overrideMicros: o.overrideMicros,
      overrideId: o.overrideId,
      inheritedKnown: o.inheritedKnown,
      inheritedMicros: o.inheritedMicros,
      readAt: opts.now,
    };
    await db.vendorLimitState.upsert({ where: { connectorId_memberId: { connectorId: c.id, memberId } }, create: { connectorId: c.id, memberId, workspaceId: c.workspaceId, ...data }, update: data });
  }
  await db.vendorConnector.update({ where: { id: c.id }, data: { lastReadAt: opts.now, lastError: null } });
  return { unit, byMember, unmatched };
}
