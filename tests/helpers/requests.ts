/** Credit-request steps shared by the integration tests. */
import type { Actor } from "@/lib/auth/actor";
import { approveRequest, type DecideOptions } from "@/lib/requests/decide-credit-request";
import { fileRequest } from "@/lib/requests/file-request";
import type { Db } from "@/lib/server/db";

/** `approver` approves request `id` as asked: no other amount, no note. */
export function approveAsAsked(
  db: Db,
  approver: Actor,
  id: number,
  now: Date,
  opts?: DecideOptions,
) {
  return approveRequest(
    db,
    { kind: "member", actor: approver },
    id,
    { amount: undefined, note: undefined },
    now,
    opts,
  );
}

/**
 * `requester` asks for `amount` more until `neededUntil` (every product) and `approver`
 * approves it as asked; returns the request's id.
 */
export async function grantRequest(
  db: Db,
  people: { requester: Actor; approver: Actor },
  ask: { amount: string; reason: string; neededUntil: string },
  now: Date,
): Promise<number> {
  const { id } = await fileRequest(
    db,
    people.requester,
    { ...ask, product: "", link: undefined },
    now,
  );
  await approveAsAsked(db, people.approver, id, now);
  return id;
}
