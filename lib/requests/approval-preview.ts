/**
 * What approving a request would make of the requester's limit, answered by the effective-
 * limit rule itself: the override an approval writes (lib/requests/decide-credit-request.ts commitApproval:
 * the requester's own limit for the product + the grant, from now until the needed-until
 * day) is laid beside the stored policies and the rule is asked again. So the inbox's
 * "before → after" includes whatever else applies (another override, a pool that still binds).
 */
import "server-only";

import { endOfDayIn } from "../core/period";
import type { LimitInputs } from "../limits/limit-inputs";
import { limitInputsFor, loadMemberLimit } from "../limits/load-effective-limits";
import type { EffectiveLimit, PolicyInput } from "../limits/resolve-effective-limit";
import type { Db } from "../server/db";

export interface ApprovalPreview {
  before: EffectiveLimit;
  /** null when approving changes nothing (no personal limit to raise) */
  after: EffectiveLimit | null;
}

export async function previewApproval(
  db: Db,
  req: {
    id: number;
    workspaceId: string;
    requesterId: string;
    product: string;
    neededUntil: string;
  },
  grantedMicros: bigint,
  now: Date,
  inputs?: LimitInputs,
): Promise<ApprovalPreview> {
  const base = inputs ?? (await limitInputsFor(db, req.workspaceId));
  // the inbox shows limits, not forecasts: no history reads (projection: false)
  const mine = await loadMemberLimit(db, req.workspaceId, req.requesterId, req.product, now, {
    inputs: base,
    projection: false,
  });
  const before = mine.effective;
  if (before.limitMicros === null) return { before, after: null };
  const grant: PolicyInput = {
    id: `preview:request:${req.id}`,
    scope: "MEMBER",
    groupId: null,
    memberId: req.requesterId,
    product: req.product,
    amountMicros: before.limitMicros + grantedMicros,
    poolCapMicros: null,
    softThresholdPct: 80,
    action: "BLOCK",
    startsAt: now,
    expiresAt: endOfDayIn(req.neededUntil, mine.budget.timezone),
    note: `request #${req.id}`,
    sourceRequestId: req.id,
  };
  // the cached inputs with one more policy: an object whose prototype is the real inputs, so
  // every other read (usage, groups, workspace) is the same cached one
  const withGrant = Object.create(base) as LimitInputs;
  withGrant.policies = async (targets, product) => [
    ...(await base.policies(targets, product)),
    ...(targets.includes(`MEMBER:${req.requesterId}`) &&
    (grant.product === "" || grant.product === product)
      ? [grant]
      : []),
  ];
  const after = (
    await loadMemberLimit(db, req.workspaceId, req.requesterId, req.product, now, {
      inputs: withGrant,
      projection: false,
    })
  ).effective;
  return { before, after };
}
