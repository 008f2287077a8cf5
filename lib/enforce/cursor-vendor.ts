/**
 * Cursor as an enforcing vendor: member spend limits only (§3.5), whole dollars, `null`
 * removes the member's own limit (the team's per-member limit, if any, applies again). The
 * state is read from `/teams/spend` (each member's own limit, the team's and the effective
 * one, §3.3); members are addressed by email, which is therefore the vendor user id.
 */
import "server-only";

import { decryptSecret } from "../crypto/secrets";
import type { Db } from "../server/db";
import { CursorClient } from "../vendors/cursor/client";
import { observeCursor, type CursorObserved, type PreviousWrite } from "../vendors/cursor/limits";
import { centsToMicrosExact, microsToWholeDollars } from "../vendors/cursor/money";
import type { MemberSpend } from "../vendors/cursor/schemas";
import { rateGate } from "../vendors/rate-gate";
import type { ConnectorRow } from "./connectors";

export function cursorClient(
  db: Db,
  c: ConnectorRow,
  opts: { waitForRate?: boolean } = {},
): CursorClient {
  return new CursorClient({
    baseUrl: c.baseUrl,
    apiKey: decryptSecret(c.encryptedKey),
    beforeCall: rateGate(db, c, { wait: opts.waitForRate }),
  });
}

export interface CursorRead {
  byMember: Map<string, CursorObserved>;
  /** on-demand spend this billing cycle per member, micro-USD */
  spend: Map<string, bigint>;
  unmatched: { userId: string; email: string; name: string | null; requests: string[] }[];
}

/** Reads every member's limits and spend; matches them to Allotment members (identity, then email). */
export async function readCursorState(
  client: CursorClient,
  connectorId: string,
  matcher: { match(userId: string, email: string): string | null },
  wanted: Set<string>,
  previous: Map<string, PreviousWrite>,
  full: boolean,
): Promise<CursorRead> {
  const out: CursorRead = { byMember: new Map(), spend: new Map(), unmatched: [] };
  const { members } = await client.spend();
  remember(connectorId, members);
  for (const row of members) {
    const email = row.email.toLowerCase();
    const memberId = matcher.match(email, email);
    if (!memberId || !wanted.has(memberId)) {
      if (!memberId && full)
        out.unmatched.push({ userId: email, email, name: row.name ?? null, requests: [] });
      continue;
    }
    out.byMember.set(memberId, observeCursor(row, previous.get(memberId)));
    out.spend.set(memberId, centsToMicrosExact(row.spendCents));
  }
  return out;
}

/**
 * The team's spend rows, read at most once per few seconds per connector: Cursor allows about
 * 20 reads of `/teams/spend` a minute, and a plan of many members re-reads before every write.
 * A member's row is dropped after Allotment writes their limit, so their next re-read is fresh.
 */
const RECENT_MS = 15_000;
const recent = new Map<string, { at: number; rows: Map<string, MemberSpend> }>();
function remember(connectorId: string, members: MemberSpend[]): Map<string, MemberSpend> {
  const rows = new Map(members.map((m) => [m.email.toLowerCase(), m]));
  // wall time on purpose: this bounds a cache's age, it is not a domain instant
  recent.set(connectorId, { at: Date.now(), rows });
  return rows;
}

/** One member's state now (the re-read before a write). */
export async function readCursorOne(
  client: CursorClient,
  connectorId: string,
  email: string,
  previous: PreviousWrite | null,
): Promise<CursorObserved> {
  const key = email.toLowerCase();
  const cached = recent.get(connectorId);
  let row = cached && Date.now() - cached.at < RECENT_MS ? cached.rows.get(key) : undefined;
  if (!row) {
    row = remember(connectorId, (await client.spend()).members).get(key);
  }
  if (!row) throw new Error(`Cursor no longer lists ${email} as a team member`);
  return observeCursor(row, previous);
}

/** Writes a member's limit (micro-USD, already whole dollars; null removes it). */
export async function writeCursorLimit(
  client: CursorClient,
  connectorId: string,
  email: string,
  micros: bigint | null,
): Promise<unknown> {
  recent.get(connectorId)?.rows.delete(email.toLowerCase());
  const r = await client.setSpendLimit(
    email,
    micros === null ? null : microsToWholeDollars(micros),
  );
  return r.raw;
}
