/**
 * Reads what a vendor currently enforces for each Allotment member it knows (matched by
 * email) and stores it as VendorLimitState: the basis of plans, of drift and of the
 * re-read before every write. Amounts are micro-units of the vendor's unit; null = unlimited.
 */
import "server-only";

import { z } from "zod";

import { SYSTEM_ACTOR, writeAudit } from "../audit/audit";
import type { Db } from "../server/db";
import { overrideRule, ruleAmount } from "../vendors/chatgpt/money";
import type { UserLimit } from "../vendors/chatgpt/schemas";
import { parseClaudeAmount } from "../vendors/claude/money";
import type { EffectiveRow } from "../vendors/claude/schemas";
import type { VendorUnit } from "../vendors/units";
import { chatgptClient, claudeClient, type ConnectorRow } from "./connectors";
import { cursorClient, readCursorState } from "./cursor-vendor";
import { readGithubVendor } from "./github";
import { recordVendorGroups, type SeenGroup } from "./vendor-groups";
import { VENDOR_IDENTITY_KIND } from "./vendor-identity";

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
  /** ChatGPT: the override ends with the vendor's period on its own (unknown = undefined: stored states do not keep it) */
  overrideTemporary?: boolean;
  /** GitHub: when the vendor ends the override itself (vendor-override.ts ObservedLimit) */
  overrideEndsAt?: Date | null;
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

export function observeClaude(
  r: EffectiveRow,
  previous?: { inheritedKnown: boolean; inheritedMicros: bigint | null },
): Observed {
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

/** A vendor user no Allotment member matches (by mapped identity or email), with their pending requests. */
export const unmatchedUserSchema = z.object({
  userId: z.string(),
  email: z.string(),
  name: z.string().nullable().default(null),
  requests: z.array(z.string()).default([]),
});
export type UnmatchedUser = z.infer<typeof unmatchedUserSchema>;

export function unmatchedOf(c: { unmatchedJson: string | null }): UnmatchedUser[] {
  if (!c.unmatchedJson) return [];
  const parsed = z.array(unmatchedUserSchema).safeParse(JSON.parse(c.unmatchedJson));
  return parsed.success ? parsed.data : [];
}

/**
 * Who a vendor user is in Allotment: a mapped identity (an owner linked them, or an earlier read
 * did) wins over the email; a match by email is recorded as an identity, so a budget check by
 * the vendor's user id finds the member too.
 */
export async function vendorUserMatcher(db: Db, c: { workspaceId: string; vendor: string }) {
  const members = await db.member.findMany({
    where: { workspaceId: c.workspaceId, active: true },
    select: { id: true, email: true },
  });
  const byEmail = new Map(members.map((m) => [m.email.toLowerCase(), m.id]));
  const active = new Set(members.map((m) => m.id));
  const identities = await db.memberIdentity.findMany({
    where: { workspaceId: c.workspaceId, provider: c.vendor, kind: VENDOR_IDENTITY_KIND },
    select: { externalId: true, memberId: true },
  });
  const byUserId = new Map(
    identities.filter((i) => active.has(i.memberId)).map((i) => [i.externalId, i.memberId]),
  );
  const fresh: { memberId: string; userId: string; email: string }[] = [];
  return {
    match(userId: string, email: string): string | null {
      const viaId = byUserId.get(userId);
      if (viaId) return viaId;
      const viaEmail = byEmail.get(email.toLowerCase()) ?? null;
      if (viaEmail && !identities.some((i) => i.externalId === userId)) {
        fresh.push({ memberId: viaEmail, userId, email });
        byUserId.set(userId, viaEmail);
      }
      return viaEmail;
    },
    /** records the email matches as identities (one audit event for the batch) */
    async record(): Promise<void> {
      if (!fresh.length) return;
      await db.$transaction(async (tx) => {
        for (const f of fresh) {
          await tx.memberIdentity.upsert({
            where: {
              workspaceId_provider_kind_externalId: {
                workspaceId: c.workspaceId,
                provider: c.vendor,
                kind: VENDOR_IDENTITY_KIND,
                externalId: f.userId,
              },
            },
            create: {
              workspaceId: c.workspaceId,
              memberId: f.memberId,
              provider: c.vendor,
              kind: VENDOR_IDENTITY_KIND,
              externalId: f.userId,
            },
            update: {},
          });
        }
        await writeAudit(tx, {
          workspaceId: c.workspaceId,
          actor: { ...SYSTEM_ACTOR, label: `enforcement (${c.vendor} read)` },
          action: "identity.link",
          targetType: "MemberIdentity",
          targetId: c.vendor,
          after: {
            provider: c.vendor,
            kind: VENDOR_IDENTITY_KIND,
            matchedByEmail: fresh.map((f) => ({ userId: f.userId, email: f.email })),
          },
        });
      });
      fresh.length = 0;
    },
  };
}

export interface VendorSnapshot {
  unit: VendorUnit;
  /** by Allotment member id */
  byMember: Map<string, Observed>;
  /** vendor users no Allotment member matches */
  unmatched: UnmatchedUser[];
  /** the vendor's own period-to-date spend per member (vendor micros), where the vendor reports it */
  spend: Map<string, bigint>;
}

/** Reads the vendor for all members (or some), stores the states, and returns them. */
export async function readVendor(
  db: Db,
  c: ConnectorRow,
  opts: { memberIds?: string[]; now: Date },
): Promise<VendorSnapshot> {
  const members = await db.member.findMany({
    where: {
      workspaceId: c.workspaceId,
      active: true,
      ...(opts.memberIds ? { id: { in: opts.memberIds } } : {}),
    },
    select: { id: true, email: true },
  });
  const wanted = new Set(members.map((m) => m.id));
  const matcher = await vendorUserMatcher(db, c);
  const previous = new Map(
    (await db.vendorLimitState.findMany({ where: { connectorId: c.id } })).map((s) => [
      s.memberId,
      s,
    ]),
  );
  const byMember = new Map<string, Observed>();
  const spend = new Map<string, bigint>();
  const unmatched: UnmatchedUser[] = [];
  let unit: VendorUnit = (c.vendorUnit as VendorUnit | null) ?? "usd";

  if (c.vendor === "claude") {
    const client = claudeClient(db, c, { waitForRate: true });
    const ids = opts.memberIds
      ? [...previous.values()]
          .filter((s) => opts.memberIds!.includes(s.memberId))
          .map((s) => s.vendorUserId)
      : [];
    const rows = await client.effective(opts.memberIds && ids.length ? ids : []);
    for (const r of rows) {
      const memberId = matcher.match(r.actor.user_id, r.actor.email_address);
      if (!memberId || !wanted.has(memberId)) {
        if (!memberId && !opts.memberIds)
          unmatched.push({
            userId: r.actor.user_id,
            email: r.actor.email_address,
            name: r.actor.name ?? null,
            requests: [],
          });
        continue;
      }
      byMember.set(memberId, observeClaude(r, previous.get(memberId)));
      if (r.period_to_date_spend) spend.set(memberId, parseClaudeAmount(r.period_to_date_spend));
    }
    unit = "usd";
  } else if (c.vendor === "cursor") {
    const read = await readCursorState(
      cursorClient(db, c, { waitForRate: true }),
      c.id,
      matcher,
      wanted,
      previous,
      !opts.memberIds,
    );
    for (const [id, o] of read.byMember) byMember.set(id, o);
    for (const [id, v] of read.spend) spend.set(id, v);
    unmatched.push(...read.unmatched);
    unit = "usd_whole";
  } else if (c.vendor === "github") {
    const read = await readGithubVendor(db, c, {
      now: opts.now,
      match: (login, email) => matcher.match(login, email),
      wanted,
      full: !opts.memberIds,
    });
    for (const [id, o] of read.byMember) byMember.set(id, o);
    unmatched.push(...read.unmatched);
    await recordVendorGroups(db, c, read.groups);
    unit = "usd_whole";
  } else {
    const client = chatgptClient(db, c, { waitForRate: true });
    const known = new Map([...previous.values()].map((s) => [s.memberId, s.vendorUserId]));
    const targets: { memberId: string; userId: string; email: string }[] = [];
    if (opts.memberIds && opts.memberIds.every((id) => known.has(id))) {
      for (const id of opts.memberIds)
        if (wanted.has(id))
          targets.push({
            memberId: id,
            userId: known.get(id)!,
            email: members.find((m) => m.id === id)?.email ?? "",
          });
    } else {
      for await (const u of client.users()) {
        const memberId = matcher.match(u.id, u.email);
        if (!memberId) {
          if (!opts.memberIds)
            unmatched.push({ userId: u.id, email: u.email, name: u.name ?? null, requests: [] });
        } else if (wanted.has(memberId))
          targets.push({ memberId, userId: u.id, email: u.email.toLowerCase() });
      }
    }
    if (!c.vendorUnit && targets[0]) {
      unit = (await client.monthlyUsage(targets[0].userId)).current_month_usage_unit;
      await db.vendorConnector.update({ where: { id: c.id }, data: { vendorUnit: unit } });
      c.vendorUnit = unit;
    }
    const seen = new Map<string, SeenGroup>();
    for (const t of targets) {
      const u = await client.userLimit(t.userId);
      byMember.set(t.memberId, observeChatgpt(u, t.email));
      const src = u.inherited_monthly_usage_limit?.source;
      if (src?.kind === "group_default" && src.group_id)
        seen.set(src.group_id, {
          id: src.group_id,
          name: src.group_name ?? src.group_id,
          defaultMicros: u.inherited_monthly_usage_limit?.limit
            ? ruleAmount(u.inherited_monthly_usage_limit.limit).micros
            : null,
        });
    }
    await recordVendorGroups(db, c, [...seen.values()]);
  }
  await matcher.record();

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
      ...(spend.has(memberId) ? { spendMicros: spend.get(memberId)! } : {}),
      readAt: opts.now,
    };
    await db.vendorLimitState.upsert({
      where: { connectorId_memberId: { connectorId: c.id, memberId } },
      create: { connectorId: c.id, memberId, workspaceId: c.workspaceId, ...data },
      update: data,
    });
  }
  // a full read replaces the unmatched list (keeping the pending requests already seen for those users)
  const full = !opts.memberIds;
  const before = new Map(
    unmatchedOf(
      await db.vendorConnector.findUniqueOrThrow({
        where: { id: c.id },
        select: { unmatchedJson: true },
      }),
    ).map((u) => [u.userId, u]),
  );
  const list = unmatched.map((u) => ({ ...u, requests: before.get(u.userId)?.requests ?? [] }));
  await db.vendorConnector.update({
    where: { id: c.id },
    data: {
      lastReadAt: opts.now,
      lastError: null,
      ...(full ? { unmatchedJson: JSON.stringify(list) } : {}),
    },
  });
  return { unit, byMember, unmatched: list, spend };
}
