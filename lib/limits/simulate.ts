/**
 * The limit simulator: what a proposed default, group limit, pool, override or request
 * approval would have done over the last N budget periods, and what it will do this period
 * at the current pace — who would have been soft-alerted or refused and on which day, how
 * much recorded spend the refusals would have stopped, how many requests they would have
 * caused (one per person refused in a period), per group, beside the same figures for the
 * limits as they are. Every answer is the one effective-limit rule's
 * (resolve-effective-limit.ts, through simulate-core.ts), fed like the budget check: the
 * workspace's all-products policies, today's people and group memberships, and usage in the
 * budget unit (billed, plus seat estimates when the owner counts them) from the member-day
 * rollup.
 *
 * Assumptions, as the result's notes say: the proposed limit is taken as in force for the
 * whole replay (its start date is ignored, its expiry kept); the other policies are replayed
 * with their own start and expiry; recorded spend is replayed as it happened (spend a refusal
 * would have stopped still counts in its pools, so later refusals of others are not moved).
 */
import "server-only";

import { loadActor, type Actor } from "../auth/actor";
import { can, canAny } from "../auth/permissions";
import { ForbiddenError, InvalidInputError, NotFoundError } from "../core/errors";
import {
  addDays,
  daysBetween,
  eachDay,
  endOfDayIn,
  lastDayBefore,
  periodContaining,
  previousPeriod,
  type DayKey,
  type Period,
} from "../core/period";
import { assertMayDecide, type Decider } from "../requests/decide-credit-request";
import { parseRequestAmount } from "../requests/request-input";
import { dayColumn, type MonthDayMetric } from "../rollups/member-month-days";
import { engineOf, type Db } from "../server/db";
import { chunks, inList, placeholder, toBigInt } from "../server/sql";
import { readRows, readRowsPreferringIndex } from "../server/sqlite-reader";
import { readWorkspaceVersion } from "../server/workspace-version";
import type { TokenPrincipal } from "../tokens/tokens";
import { keptRead } from "./kept-reads";
import {
  indexPolicies,
  loadMemberLimit,
  loadWorkspaceBudget,
  toPolicyInput,
  type WorkspaceBudget,
} from "./load-effective-limits";
import type { EffectiveLimit, PolicyInput } from "./resolve-effective-limit";
import {
  combineReplays,
  cumulate,
  extendAtPace,
  replayPeriod,
  settledByTotal,
  settledByTotals,
  withNumbers,
  type MemberReplay,
  type ProductSeries,
  type ReplayMember,
  type ReplayPeriod,
  type Series,
  type UsageAt,
} from "./simulate-core";
import type {
  SimulateChange,
  SimulatedMember,
  SimulatedPeriod,
  SimulateInput,
  Simulation,
  Tally,
} from "./simulate-input";
import { validatePolicyFields } from "./write-policy";

export type { Simulation };

/** People listed per period (the counts cover everyone). */
const LISTED = 200;

/** A grant's override has the schema's threshold and action (commitApproval sets neither). */
const GRANT_THRESHOLD_PCT = 80;

interface Proposal {
  /** policies with the change applied / as they are (every product's) */
  proposed: PolicyInput[];
  baseline: PolicyInput[];
  /** whose answers can change: null = everyone */
  affected:
    { kind: "all" } | { kind: "group"; groupId: string } | { kind: "member"; memberId: string };
  description: string;
  notes: string[];
}

/**
 * Who may simulate what: a limit change needs the right to save it (the owner for the
 * workspace default); an approval needs the right to decide that request.
 */
async function proposalOf(
  db: Db,
  decider: Decider,
  change: SimulateChange,
  budget: WorkspaceBudget,
  policies: PolicyInput[],
  now: Date,
): Promise<Proposal> {
  const actor = decider.actor;
  const ws = actor.workspaceId;
  const asIs = policies;
  const notes: string[] = [];
  const mayWrite = (scope: PolicyInput["scope"]) => {
    const perm = scope === "WORKSPACE" ? "limits:write:workspace" : "limits:write";
    if (!can(actor, perm))
      throw new ForbiddenError(
        scope === "WORKSPACE"
          ? "Only the workspace owner can change the workspace default"
          : "You cannot change limits",
      );
  };
  const affectedOf = (
    p: Pick<PolicyInput, "scope" | "groupId" | "memberId">,
  ): Proposal["affected"] =>
    p.scope === "GROUP"
      ? { kind: "group", groupId: p.groupId! }
      : p.scope === "MEMBER"
        ? { kind: "member", memberId: p.memberId! }
        : { kind: "all" };

  if (change.kind === "remove") {
    const p = await db.limitPolicy.findFirst({ where: { id: change.policyId, workspaceId: ws } });
    if (!p) throw new NotFoundError("limit");
    mayWrite(p.scope);
    return {
      proposed: asIs.filter((x) => x.id !== p.id),
      baseline: asIs,
      affected: affectedOf(p),
      description: `remove the ${p.scope === "WORKSPACE" ? "workspace default" : p.scope === "GROUP" ? "group limit" : "override"}`,
      notes,
    };
  }

  if (change.kind === "set") {
    let scope = change.scope;
    let groupId: string | null = null;
    let memberId: string | null = null;
    let product = change.product;
    let replaces: string | null = null;
    if (change.policyId) {
      const p = await db.limitPolicy.findFirst({
        where: { id: change.policyId, workspaceId: ws },
        select: { id: true, scope: true, groupId: true, memberId: true, product: true },
      });
      if (!p) throw new NotFoundError("limit");
      ({ scope, groupId, memberId, product } = p);
      replaces = p.id;
    } else if (scope === "GROUP") {
      const g = change.groupId
        ? await db.group.findFirst({
            where: { id: change.groupId, workspaceId: ws },
            select: { id: true },
          })
        : null;
      if (!g) throw new NotFoundError("group");
      groupId = g.id;
    } else if (scope === "MEMBER") {
      const m = change.memberId
        ? await db.member.findFirst({
            where: { id: change.memberId, workspaceId: ws },
            select: { id: true },
          })
        : null;
      if (!m) throw new NotFoundError("member");
      memberId = m.id;
    }
    mayWrite(scope);
    const fields = validatePolicyFields(scope, change, budget.timezone, now, !replaces);
    // an editor's limit for this target replaces the one there (one per target and product)
    const sameSlot = (x: PolicyInput) =>
      x.id === replaces ||
      (replaces === null &&
        x.scope === scope &&
        x.groupId === groupId &&
        x.memberId === memberId &&
        x.sourceRequestId === null &&
        x.product === product);
    const proposedPolicy: PolicyInput = {
      id: replaces ?? "proposed",
      scope,
      groupId,
      memberId,
      product,
      ...fields,
      startsAt: null, // in force for the whole replay
      sourceRequestId: null,
    };
    if (fields.startsAt)
      notes.push(
        "The start date is ignored: the proposed limit is replayed as if it had always applied.",
      );
    const what = `${scope === "WORKSPACE" ? "workspace default" : scope === "GROUP" ? "group limit" : "override"}${product ? ` for ${product}` : ""}`;
    return {
      proposed: [...asIs.filter((x) => !sameSlot(x)), proposedPolicy],
      baseline: asIs,
      affected: affectedOf({ scope, groupId, memberId }),
      description: `${replaces || asIs.some(sameSlot) ? "change the" : "set a"} ${what}`,
      notes,
    };
  }

  // an approval: the override it would add beside the requester's policies
  const req = await db.creditRequest.findFirst({
    where: { id: change.requestId, workspaceId: ws },
    select: {
      id: true,
      requesterId: true,
      amountMicros: true,
      neededUntil: true,
      product: true,
      status: true,
    },
  });
  if (!req) throw new NotFoundError("request");
  await assertMayDecide(db, decider, req.requesterId);
  const granted = change.amount
    ? parseRequestAmount(change.amount, "change.amount", { label: "Amount to grant" })
    : req.amountMicros;
  if (granted <= 0n)
    throw new InvalidInputError(
      "This request gives no amount — give the amount to grant",
      "change.amount",
    );
  // the override an approval adds (lib/requests/decide-credit-request.ts commitApproval): for
  // the request's product, the requester's limit for it now plus the grant, the schema's
  // threshold and action
  const base = (await loadMemberLimit(db, ws, req.requesterId, req.product, now)).effective;
  if (base.limitMicros === null)
    throw new InvalidInputError(
      `The requester has no limit${req.product ? ` for ${req.product}` : ""} now (${base.reason}): a grant would change nothing`,
      "change.requestId",
    );
  if (req.status !== "PENDING") notes.push(`Request #${req.id} is ${req.status.toLowerCase()}.`);
  return {
    proposed: [
      ...asIs,
      {
        id: `request:${req.id}`,
        scope: "MEMBER",
        groupId: null,
        memberId: req.requesterId,
        product: req.product,
        amountMicros: base.limitMicros + granted,
        poolCapMicros: null,
        softThresholdPct: GRANT_THRESHOLD_PCT,
        action: "BLOCK",
        startsAt: null,
        expiresAt: endOfDayIn(req.neededUntil, budget.timezone),
        note: `request #${req.id} (simulated)`,
        sourceRequestId: req.id,
      },
    ],
    baseline: asIs,
    affected: { kind: "member", memberId: req.requesterId },
    description: `approve request #${req.id}${req.product ? ` (${req.product})` : ""}`,
    notes,
  };
}

/** The amounts a limit counts (as load-effective-limits counts them): billed, and seat estimates when they count. */
function usageMetrics(budget: WorkspaceBudget): MonthDayMetric[] {
  const [billed, seat]: MonthDayMetric[] =
    budget.unit === "USD"
      ? ["costMicros", "seatEstimateMicros"]
      : ["creditsMicros", "seatCreditsMicros"];
  return budget.seats ? [billed!, seat!] : [billed!];
}

/** The budget unit's usage column of the member-day rollup (usageMetrics summed). */
function usageColumn(budget: WorkspaceBudget, alias = ""): string {
  const sum = usageMetrics(budget)
    .map((m) => `${alias}"${m}"`)
    .join(" + ");
  return budget.seats ? `(${sum})` : sum;
}

/**
 * One aggregate of each member's member-day rows in a period, for every member of the
 * workspace (rows: m = the member, v = the aggregate, null when they have no row). On SQLite a
 * subquery per member: the member-ordered covering index (workspaceId, memberKey, day, …) is
 * then sought at each member's first day and read to their last, where a GROUP BY over the
 * workspace walks every day the workspace holds (six months on the bench's dataset) to keep
 * one in six for a month. PostgreSQL groups the period's rows.
 */
async function perMember<V>(
  db: Db,
  aggregate: string,
  workspaceId: string,
  p: Period,
): Promise<{ m: string; v: V | null }[]> {
  const e = engineOf(db);
  if (e === "sqlite")
    return readRowsPreferringIndex(
      db,
      "UsageMemberDayTotal_member_day_all",
      (hint) =>
        `SELECT mb."id" AS m, (SELECT ${aggregate} FROM "UsageMemberDayTotal"${hint} WHERE "workspaceId" = ? AND "memberKey" = mb."id" AND "day" >= ? AND "day" <= ?) AS v FROM "Member" mb WHERE mb."workspaceId" = ?`,
      [workspaceId, p.start, p.end, workspaceId],
    );
  return readRows(
    db,
    `SELECT "memberKey" AS m, ${aggregate} AS v FROM "UsageMemberDayTotal" WHERE "workspaceId" = $1 AND "day" >= $2 AND "day" <= $3 GROUP BY "memberKey"`,
    [workspaceId, p.start, p.end],
  );
}

async function memberTotals(
  db: Db,
  budget: WorkspaceBudget,
  p: Period,
): Promise<Map<string, bigint>> {
  const e = engineOf(db);
  if (isWholeMonth(p)) {
    // a whole month: the member-month rollup holds one row per member (the day rows summed)
    const monthly = await readRows<{ m: string; v: unknown }>(
      db,
      `SELECT "memberKey" AS m, ${usageColumn(budget)} AS v FROM "UsageMemberMonthTotal" WHERE "workspaceId" = ${placeholder(e, 1)} AND "month" = ${placeholder(e, 2)}`,
      [budget.id, p.start.slice(0, 7)],
    );
    return new Map(monthly.map((r) => [r.m, toBigInt(r.v)]));
  }
  const rows = await perMember<unknown>(db, `SUM(${usageColumn(budget)})`, budget.id, p);
  const out = new Map<string, bigint>();
  for (const r of rows) if (r.v !== null) out.set(r.m, toBigInt(r.v));
  return out;
}

function isWholeMonth(p: Period): boolean {
  const month = periodContaining(p.start, "MONTHLY");
  return month.start === p.start && month.end === p.end;
}

/**
 * Each member's period usage on some products (those product-scoped limits name), by
 * product: the member-month rollup for a whole month, else the daily rollup.
 */
async function memberProductTotals(
  db: Db,
  budget: WorkspaceBudget,
  p: Period,
  products: readonly string[],
): Promise<Map<string, Map<string, bigint>>> {
  const out = new Map<string, Map<string, bigint>>();
  if (products.length === 0) return out;
  const e = engineOf(db);
  const rows = isWholeMonth(p)
    ? await readRows<{ m: string; p: string; v: unknown }>(
        db,
        `SELECT "memberKey" AS m, "product" AS p, SUM(${usageColumn(budget)}) AS v FROM "UsageMemberMonth" WHERE "workspaceId" = ${placeholder(e, 1)} AND "month" = ${placeholder(e, 2)} AND "product" IN ${inList(e, products.length, 3)} GROUP BY "memberKey", "product"`,
        [budget.id, p.start.slice(0, 7), ...products],
      )
    : await readRows<{ m: string; p: string; v: unknown }>(
        db,
        `SELECT "memberKey" AS m, "product" AS p, SUM(${usageColumn(budget)}) AS v FROM "UsageDailyRollup" WHERE "workspaceId" = ${placeholder(e, 1)} AND "day" >= ${placeholder(e, 2)} AND "day" <= ${placeholder(e, 3)} AND "product" IN ${inList(e, products.length, 4)} GROUP BY "memberKey", "product"`,
        [budget.id, p.start, p.end, ...products],
      );
  for (const r of rows) {
    let m = out.get(r.m);
    if (!m) out.set(r.m, (m = new Map()));
    m.set(r.p, toBigInt(r.v));
  }
  return out;
}

/**
 * Cumulative usage through each day of the period of some members (or of everyone when most
 * are asked: one read beats many lists, and everyone's series are then returned, null for a
 * member with no usage, so a later question finds them read), from the member-days by month
 * (lib/rollups/member-month-days.ts): one row per member, month and counted amount, the
 * period's days of that month packed as "amount,amount,…" — a month of 20,000 people is
 * ~20,000 rows where the member-day rollup holds ~400,000 (walking those was most of a first
 * simulation's time). Amounts travel as the database's integer text, so they stay exact. A
 * member without a row has no usage in the period (0 every day).
 */
export async function memberDays(
  db: Db,
  budget: WorkspaceBudget,
  p: Period,
  ids: string[],
  /** every active member */
  all: readonly string[],
  /** the current period's series are carried to its end (extendAtPace) before they are kept */
  shape: ((cum: bigint[]) => bigint[]) | null,
  /** `shape` is extendAtPace(cum, pace) (cumulativeDays then carries them in doubles where exact) */
  pace: number | null = null,
): Promise<Map<string, Series | null>> {
  const e = engineOf(db);
  const days = eachDay(p.start, p.end);
  const metrics = usageMetrics(budget);
  const everyone = ids.length * 4 > all.length;
  const read: PackedDays[] = [];
  for (const part of monthParts(days)) {
    // CAST: a one-day period's column alone would come back as an integer
    const packed = part.columns
      .map((c, i) => (i ? `"${c}"` : `CAST("${c}" AS TEXT)`))
      .join(` || ',' || `);
    const sql = `SELECT "memberKey" AS m, ${packed} AS s FROM "UsageMemberMonthDays" WHERE "workspaceId" = ${placeholder(e, 1)} AND "month" = ${placeholder(e, 2)} AND "metric" IN ${inList(e, metrics.length, 3)}`;
    const params = [budget.id, part.month, ...metrics];
    const lists = everyone
      ? [await readRows<{ m: string; s: string }>(db, sql, params)]
      : await Promise.all(
          chunks(ids, 500).map((list) =>
            readRows<{ m: string; s: string }>(
              db,
              `${sql} AND "memberKey" IN ${inList(e, list.length, 3 + metrics.length)}`,
              [...params, ...list],
            ),
          ),
        );
    for (const rows of lists) read.push({ at: part.at, rows });
  }
  const out: Map<string, Series | null> = cumulativeDays(read, days.length, shape, pace);
  if (everyone) for (const id of all) if (!out.has(id)) out.set(id, null);
  return out;
}

/** Members' packed days of one month (one row per member and amount): "amount,…" from the period's day `at`. */
export interface PackedDays {
  at: number;
  rows: readonly { m: string; s: string }[];
}

/** The months a period's days fall in: each month's day columns, and where they start in the period. */
function monthParts(days: readonly DayKey[]): { month: string; at: number; columns: string[] }[] {
  const parts: { month: string; at: number; columns: string[] }[] = [];
  days.forEach((d, i) => {
    const month = d.slice(0, 7);
    let part = parts[parts.length - 1];
    if (!part || part.month !== month) parts.push((part = { month, at: i, columns: [] }));
    part.columns.push(dayColumn(d));
  });
  return parts;
}

/** Integers up to this many digits are exact as doubles, and so are sums of a few of them. */
const SAFE_DIGITS = 14;

/**
 * Adds packed amounts ("amount,amount,…", consecutive days) into `daily` from `at`, scanning
 * the text without a string or a bigint per day, as doubles while every figure is an exact
 * integer there (at most 14 digits); false when one is not (then the exact reading is used).
 */
export function addPackedDays(text: string, daily: Float64Array, at: number): boolean {
  const n = text.length;
  let i = at;
  let pos = 0;
  while (pos < n) {
    let sign = 1;
    if (text.charCodeAt(pos) === 45) {
      sign = -1;
      pos++;
    }
    let v = 0;
    let digits = 0;
    for (; pos < n; pos++) {
      const c = text.charCodeAt(pos);
      if (c === 44) break;
      const d = c - 48;
      if (d < 0 || d > 9) return false;
      v = v * 10 + d;
      digits++;
    }
    if (digits === 0 || digits > SAFE_DIGITS) return false;
    daily[i] = daily[i]! + sign * v;
    i++;
    pos++; // the comma
  }
  return true;
}

/** The exact reading of packed amounts, added into `daily` from `at`. */
export function addPackedDaysExact(text: string, daily: bigint[], at: number): void {
  text.split(",").forEach((v, i) => {
    daily[at + i]! += BigInt(v);
  });
}

/** Whether this platform stores an int64 low word first (little-endian), as the 32-bit writes below assume. */
const LOW_WORD_FIRST = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const TWO_32 = 2 ** 32;

/**
 * Each member's cumulative series from their packed rows (one buffer for everyone read — a
 * few MB for 20,000 people — not 600,000 bigint objects): summed as doubles while exact, a
 * member whose figures or running total are not read again with bigints.
 */
export function cumulativeDays(
  parts: readonly PackedDays[],
  length: number,
  shape: ((cum: bigint[]) => bigint[]) | null,
  /**
   * `shape` is extendAtPace(cum, pace): then carried in doubles where that is exact (see
   * extendInPlace), the bigint `shape` only for a member where it is not
   */
  pace: number | null = null,
): Map<string, Series> {
  const slot = new Map<string, number>();
  for (const part of parts)
    for (const r of part.rows) if (!slot.has(r.m)) slot.set(r.m, slot.size * length);
  const daily = new Float64Array(slot.size * length);
  const inexact = new Set<string>();
  for (const { at, rows } of parts)
    for (const r of rows)
      if (!inexact.has(r.m) && !addPackedDays(r.s, daily, slot.get(r.m)! + at)) inexact.add(r.m);
  const store = new BigInt64Array(slot.size * length);
  // a safe integer is written as the int64's two 32-bit words: no bigint made per day
  const words = LOW_WORD_FIRST ? new Uint32Array(store.buffer) : null;
  const out = new Map<string, Series>();
  for (const [id, at] of slot) {
    let exact = !inexact.has(id);
    let running = 0;
    for (let i = 0; exact && i < length; i++) {
      running += daily[at + i]!;
      if (!Number.isSafeInteger(running)) exact = false;
      else {
        daily[at + i] = running; // the day's slot now holds the cumulative figure
        writeSafe(store, words, at + i, running);
      }
    }
    let series: Series;
    let cum: bigint[] | null = null;
    if (exact) {
      series = store.subarray(at, at + length);
      if (shape && !(pace !== null && extendInPlace(daily, store, words, at, length, pace)))
        series = packInto(store, at, (cum = shape(Array.from(series))));
    } else {
      cum = Array.from({ length }, () => 0n);
      for (const { at: from, rows } of parts)
        for (const r of rows) if (r.m === id) addPackedDaysExact(r.s, cum, from);
      for (let i = 1; i < length; i++) cum[i]! += cum[i - 1]!;
      if (shape) cum = shape(cum);
      series = packInto(store, at, cum);
    }
    // the series' numbers for the replay (simulate-core.ts NUMERIC_MAX: withNumbers keeps them
    // only when every one is within it, exact), in the member's slot of `daily`
    const numbers = daily.subarray(at, at + length);
    if (cum) for (let i = 0; i < length; i++) numbers[i] = Number(cum[i]!);
    out.set(id, withNumbers(series, numbers));
  }
  return out;
}

/** Writes a safe integer into `store` as the int64's two 32-bit words (no bigint made), or as a bigint. */
function writeSafe(
  store: BigInt64Array,
  words: Uint32Array | null,
  i: number,
  value: number,
): void {
  if (words) {
    words[2 * i] = value >>> 0; // the value mod 2^32 (exact for a safe integer)
    words[2 * i + 1] = Math.floor(value / TWO_32) >>> 0; // two's complement high word
  } else store[i] = BigInt(value);
}

/**
 * extendAtPace (simulate-core.ts) on a member's cumulative figures in doubles, in place (in
 * `daily` and `store` from `at`): the days after `today` become used × (j + 1) / (today + 1),
 * truncated toward zero as the bigint division does. Exact while |used| × length < 2^53: each
 * product is then an exact double, and the double quotient of integers below 2^53 never rounds
 * across an integer (it is off by at most |q|·2^-53 < 1/divisor, the least distance from a
 * non-integer quotient to an integer), so Math.trunc gives the integer quotient. False, with
 * nothing written, when the figures are beyond that (the bigint shape is used then).
 */
function extendInPlace(
  daily: Float64Array,
  store: BigInt64Array,
  words: Uint32Array | null,
  at: number,
  length: number,
  today: number,
): boolean {
  if (today + 1 >= length) return true; // nothing after today
  const used = daily[at + today]!;
  if (!(Math.abs(used) * length < 2 ** 53)) return false;
  const elapsed = today + 1;
  for (let j = today + 1; j < length; j++) {
    const v = Math.trunc((used * (j + 1)) / elapsed) + 0; // + 0: no -0
    daily[at + j] = v;
    writeSafe(store, words, at + j, v);
  }
  return true;
}

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

/** A series as a view of `store` from `at` (exact: a series outside the int64 range stays an array). */
function packInto(store: BigInt64Array, at: number, cum: bigint[]): Series {
  for (const v of cum) if (v < INT64_MIN || v > INT64_MAX) return cum;
  store.set(cum, at);
  return store.subarray(at, at + cum.length);
}

/**
 * The same per product, for the products product-scoped limits name: each member's
 * cumulative usage of each of those products ("product day amount,…" packed per member from
 * the daily rollup, which has the product). Every asked product gets a series (zeros when
 * none was recorded), so a member read is read for all of them.
 */
async function memberProductDays(
  db: Db,
  budget: WorkspaceBudget,
  p: Period,
  ids: string[],
  products: readonly string[],
): Promise<Map<string, Map<string, bigint[]>>> {
  const e = engineOf(db);
  const days = eachDay(p.start, p.end);
  const indexOf = new Map(days.map((d, i) => [d, i]));
  const out = new Map<string, Map<string, bigint[]>>();
  for (const id of ids)
    out.set(id, new Map(products.map((product) => [product, days.map(() => 0n)])));
  if (products.length === 0) return out;
  const amount = usageColumn(budget);
  const packed =
    e === "postgres"
      ? `string_agg("product" || ' ' || "day" || ' ' || (${amount})::text, ',')`
      : `group_concat("product" || ' ' || "day" || ' ' || (${amount}), ',')`;
  for (const part of chunks(ids, 500)) {
    const rows = await readRows<{ m: string; s: string | null }>(
      db,
      `SELECT "memberKey" AS m, ${packed} AS s FROM "UsageDailyRollup" WHERE "workspaceId" = ${placeholder(e, 1)} AND "day" >= ${placeholder(e, 2)} AND "day" <= ${placeholder(e, 3)} AND "product" IN ${inList(e, products.length, 4)} AND "memberKey" IN ${inList(e, part.length, 4 + products.length)} GROUP BY "memberKey"`,
      [budget.id, p.start, p.end, ...products, ...part],
    );
    for (const r of rows) {
      const series = out.get(r.m);
      if (!r.s || !series) continue;
      // product ids are [a-z0-9_.-] (policy-input.ts): the first space ends the product
      for (const item of r.s.split(",")) {
        const sp = item.indexOf(" ");
        const s = series.get(item.slice(0, sp));
        const i = indexOf.get(item.slice(sp + 1, sp + 11));
        if (s && i !== undefined) s[i]! += BigInt(item.slice(sp + 12));
      }
    }
  }
  for (const series of out.values())
    for (const s of series.values()) for (let i = 1; i < s.length; i++) s[i]! += s[i - 1]!;
  return out;
}

/**
 * Daily usage of a group's current members (null = the whole workspace), of every product or
 * of one (a product-scoped pool): the group day rollup, which follows today's memberships as
 * the budget check's pool does (lib/rollups/group-totals.ts rebuilds a group's rows when its
 * members change), or the member-day rollup summed by day for the workspace; for one product
 * the daily rollup joined to today's memberships, as the budget check reads a scoped pool
 * (load-effective-limits.ts poolUsage), or the workspace's product day totals.
 */
async function poolDays(
  db: Db,
  budget: WorkspaceBudget,
  p: Period,
  groupId: string | null,
  product: string,
): Promise<Map<DayKey, bigint>> {
  const e = engineOf(db);
  const ph = (i: number) => placeholder(e, i);
  type Row = { d: string; v: unknown };
  let rows: Row[];
  if (product === "")
    rows =
      groupId === null
        ? await readRows<Row>(
            db,
            `SELECT "day" AS d, SUM(${usageColumn(budget)}) AS v FROM "UsageMemberDayTotal" WHERE "workspaceId" = ${ph(1)} AND "day" >= ${ph(2)} AND "day" <= ${ph(3)} GROUP BY "day"`,
            [budget.id, p.start, p.end],
          )
        : await readRows<Row>(
            db,
            `SELECT "day" AS d, SUM(${usageColumn(budget)}) AS v FROM "UsageGroupDayTotal" WHERE "workspaceId" = ${ph(1)} AND "groupId" = ${ph(2)} AND "day" >= ${ph(3)} AND "day" <= ${ph(4)} GROUP BY "day"`,
            [budget.id, groupId, p.start, p.end],
          );
  else
    rows =
      groupId === null
        ? await readRows<Row>(
            db,
            `SELECT "day" AS d, SUM(${usageColumn(budget)}) AS v FROM "UsageDayTotal" WHERE "workspaceId" = ${ph(1)} AND "product" = ${ph(2)} AND "day" >= ${ph(3)} AND "day" <= ${ph(4)} GROUP BY "day"`,
            [budget.id, product, p.start, p.end],
          )
        : await readRows<Row>(
            db,
            `SELECT r."day" AS d, SUM(${usageColumn(budget, "r.")}) AS v FROM "UsageDailyRollup" r JOIN "GroupMember" gm ON gm."memberId" = r."memberKey" AND gm."groupId" = ${ph(1)} WHERE r."workspaceId" = ${ph(2)} AND r."product" = ${ph(3)} AND r."day" >= ${ph(4)} AND r."day" <= ${ph(5)} GROUP BY r."day"`,
            [groupId, budget.id, product, p.start, p.end],
          );
  return new Map(rows.map((r) => [r.d, toBigInt(r.v)]));
}

interface People {
  members: { id: string; name: string; email: string }[];
  /** each member's place in the locale's order of names (kept with the people: made once) */
  ranks?: Map<string, number>;
  groupName: Map<string, string>;
  groupsOf: Map<string, string[]>;
}

/** A period's usage as read once for both replays (the change's and the limits as they are). */
interface PeriodUsage {
  /** each member's total (all products), carried to the period end for the current period */
  totals: Map<string, bigint>;
  /** each member's total of each product some limit names */
  productTotals: Map<string, Map<string, bigint>>;
  /** cumulative day series of the members read so far (null entry: none recorded) */
  days: Map<string, Series | null>;
  productDays: Map<string, Map<string, Series>>;
  /** the day series of these members (and maybe of others: null = no usage) */
  loadDays: (ids: string[]) => Promise<Map<string, Series | null>>;
  loadProductDays: (ids: string[]) => Promise<Map<string, Map<string, Series>>>;
  /** a pool's cumulative series (group id, null = the workspace; "" = every product) */
  poolSeries: (groupId: string | null, product: string) => Promise<Series>;
}

/** Every affected member's replays under one set of policies: all products, and each product their limits name. */
export interface Replays {
  all: Map<string, MemberReplay>;
  /** members whose limits name products: one replay per product named */
  byProduct: Map<string, MemberReplay[]>;
}

/** The replay behind a budget check for `product` ("" = all products) of a member. */
export function answerFor(r: Replays, memberId: string, product: string): MemberReplay | undefined {
  return (
    (product !== "" ? r.byProduct.get(memberId)?.find((x) => x.product === product) : undefined) ??
    r.all.get(memberId)
  );
}

/** What a member's checks would have done together (combineReplays). */
export function replayOf(r: Replays, memberId: string): MemberReplay {
  return combineReplays(r.all.get(memberId)!, r.byProduct.get(memberId));
}

/** The products some policies name, sorted. */
function namedProducts(policies: readonly PolicyInput[]): string[] {
  const out = new Set<string>();
  for (const p of policies) if (p.product !== "") out.add(p.product);
  return [...out].sort();
}

/** A budget check's policies: those for every product and those for its product. */
function forProduct(policies: readonly PolicyInput[], product: string): PolicyInput[] {
  return policies.filter((p) => p.product === "" || p.product === product);
}

/** One period replayed under one set of policies for the affected members. */
async function replayUnder(
  budget: WorkspaceBudget,
  period: Period,
  people: People,
  affected: string[],
  /** each affected member's groups (people.groupsOf, looked up once a simulation) */
  affectedGroups: readonly (readonly string[])[],
  policies: PolicyInput[],
  usage: PeriodUsage,
): Promise<Replays> {
  const days = eachDay(period.start, period.end);
  const { workspace: ws, byGroup, byMember } = indexPolicies(policies);
  const pools = async (list: readonly PolicyInput[], groupId: string | null) => {
    const named = namedProducts(list.filter((p) => p.poolCapMicros !== null));
    const parts = new Map<string, Series>();
    for (const product of named) parts.set(product, await usage.poolSeries(groupId, product));
    return { total: await usage.poolSeries(groupId, ""), parts };
  };
  const groupCumulative = new Map<string, Series>();
  const groupByProduct = new Map<string, ProductSeries>();
  for (const [gid, list] of byGroup)
    if (list.some((p) => p.poolCapMicros !== null)) {
      const { total, parts } = await pools(list, gid);
      groupCumulative.set(gid, total);
      if (parts.size) groupByProduct.set(gid, parts);
    }
  let workspaceCumulative: Series = days.map(() => 0n);
  let workspaceByProduct: ProductSeries | undefined;
  if (ws.some((p) => p.poolCapMicros !== null)) {
    const { total, parts } = await pools(ws, null);
    workspaceCumulative = total;
    if (parts.size) workspaceByProduct = parts;
  }
  const replay: ReplayPeriod = {
    days,
    instants: days.map((d) => new Date(endOfDayIn(d, budget.timezone).getTime() - 1)),
    groupCumulative,
    groupByProduct,
    workspaceCumulative,
    workspaceByProduct,
    formatUntil: (d) => lastDayBefore(d, budget.timezone),
  };
  const all = new Map<string, MemberReplay>();
  const byProduct = new Map<string, MemberReplay[]>();
  const keep = (r: MemberReplay) => {
    if (r.product === "") all.set(r.memberId, r);
    else (byProduct.get(r.memberId) ?? byProduct.set(r.memberId, []).get(r.memberId)!).push(r);
  };
  /** a member's usage as the totals path sees it: all products, and each product named */
  const usageAt = (id: string, named: readonly string[]): { id: string } & UsageAt => {
    const total = usage.totals.get(id) ?? 0n;
    if (named.length === 0) return { id, total };
    const of = usage.productTotals.get(id);
    return { id, total, byProduct: new Map(named.map((p) => [p, of?.get(p) ?? 0n])) };
  };
  // the budget checks asked of a member: all products, and each product their limits name
  type Question = Omit<ReplayMember, "id" | "cumulative" | "byProduct">;
  const pending: { id: string; q: Question; named: readonly string[] }[] = [];
  // people in the same groups (of those with policies) with no policy of their own answer to
  // the same policies: one class each, settled together (settledByTotals) and replayed together
  // (replayPeriod's classes); the few with their own policies one by one
  const classes = new Map<
    string,
    {
      groups: { id: string; name: string }[];
      policies: PolicyInput[];
      named: string[];
      members: ({ id: string } & UsageAt)[];
    }
  >();
  for (let k = 0; k < affected.length; k++) {
    const id = affected[k]!;
    // a group with no policy in this set changes no answer of the rule (it only reads a
    // group's policies, and its name when one of them is chosen or pools): the groups that
    // have one are the person's class, so people of policy-less teams are settled together
    const gids = affectedGroups[k]!.filter((g) => byGroup.has(g));
    const own = byMember.get(id);
    if (own) {
      const groups = gids.map((g) => ({ id: g, name: people.groupName.get(g) ?? "?" }));
      const mine = [...ws, ...gids.flatMap((g) => byGroup.get(g) ?? []), ...own];
      const named = namedProducts(mine);
      const u = usageAt(id, named);
      for (const product of ["", ...named]) {
        const q: Question = { groups, policies: forProduct(mine, product), product };
        const done = settledByTotal(replay, { ...q, id }, u);
        if (done) keep(done);
        else pending.push({ id, q, named });
      }
      continue;
    }
    const key = gids.join(" ");
    let c = classes.get(key);
    if (!c) {
      const mine = [...ws, ...gids.flatMap((g) => byGroup.get(g) ?? [])];
      c = {
        groups: gids.map((g) => ({ id: g, name: people.groupName.get(g) ?? "?" })),
        policies: mine,
        named: namedProducts(mine),
        members: [],
      };
      classes.set(key, c);
    }
    c.members.push(usageAt(id, c.named));
  }
  for (const c of classes.values())
    for (const product of ["", ...c.named]) {
      const shared = { groups: c.groups, policies: forProduct(c.policies, product), product };
      const { settled, pending: rest } = settledByTotals(replay, shared, c.members);
      for (const r of settled) keep(r);
      for (const id of rest) pending.push({ id, q: shared, named: c.named });
    }
  // the day rows of those not settled (read once a period, for both replays)
  const need = new Set<string>();
  const needProducts = new Set<string>();
  for (const { id, named } of pending) {
    if (!usage.days.has(id)) need.add(id);
    if (named.length > 0 && !usage.productDays.has(id)) needProducts.add(id);
  }
  if (need.size) {
    const read = await usage.loadDays([...need]);
    for (const [id, series] of read) usage.days.set(id, series);
    for (const id of need) if (!read.has(id)) usage.days.set(id, null);
  }
  if (needProducts.size)
    for (const [id, series] of await usage.loadProductDays([...needProducts]))
      usage.productDays.set(id, series);
  const members = pending.map(({ id, q, named }): ReplayMember => {
    const m: ReplayMember = {
      id,
      groups: q.groups,
      policies: q.policies,
      product: q.product,
      cumulative: usage.days.get(id) ?? undefined,
    };
    const series = named.length ? usage.productDays.get(id) : undefined;
    if (series) m.byProduct = new Map(named.map((p) => [p, series.get(p) ?? days.map(() => 0n)]));
    return m;
  });
  for (const r of replayPeriod(replay, members)) keep(r);
  return { all, byProduct };
}

function count(t: Tally, r: MemberReplay): void {
  if (r.softDay) t.soft++;
  if (r.blockedDay) {
    t.blocked++;
    t.requests++; // one request per person refused in the period
  }
  if (r.stoppedMicros !== 0n) t.stoppedMicros += r.stoppedMicros; // a bigint sum is a new bigint
}

function tally(results: Iterable<MemberReplay>): Tally {
  const t: Tally = { soft: 0, blocked: 0, stoppedMicros: 0n, requests: 0 };
  for (const r of results) count(t, r);
  return t;
}

export interface PeriodReplay {
  period: Period;
  current: boolean;
  /** every affected member's replays under the proposal / the limits as they are */
  proposed: Replays;
  baseline: Replays;
}

/** The active people (by name), groups and memberships of a workspace. */
async function readPeople(db: Db, workspaceId: string) {
  const e = engineOf(db);
  // the people and memberships of a 20,000-member workspace: raw rows (the ORM's row objects
  // cost more than the replay of everyone settled by their total)
  const [members, groups, memberships] = await Promise.all([
    readRows<{ id: string; name: string; email: string }>(
      db,
      `SELECT "id", "name", "email" FROM "Member" WHERE "workspaceId" = ${placeholder(e, 1)} AND "active" = ${e === "postgres" ? "true" : "1"} ORDER BY "name"`,
      [workspaceId],
    ),
    db.group.findMany({ where: { workspaceId }, select: { id: true, name: true } }),
    readRows<{ groupId: string; memberId: string }>(
      db,
      `SELECT gm."groupId" AS "groupId", gm."memberId" AS "memberId" FROM "GroupMember" gm JOIN "Group" g ON g."id" = gm."groupId" WHERE g."workspaceId" = ${placeholder(e, 1)} ORDER BY gm."groupId", gm."memberId"`,
      [workspaceId],
    ),
  ]);
  const people: People = {
    members,
    groupName: new Map(groups.map((g) => [g.id, g.name])),
    groupsOf: new Map(),
  };
  for (const gm of memberships)
    (
      people.groupsOf.get(gm.memberId) ?? people.groupsOf.set(gm.memberId, []).get(gm.memberId)!
    ).push(gm.groupId);
  return { people, memberships };
}

/**
 * A period's usage, read as needed: the totals at once, day series and pools when a replay
 * asks. The current period is carried to its end at each member's pace (totals and series
 * alike).
 */
async function readPeriodUsage(
  db: Db,
  budget: WorkspaceBudget,
  period: Period,
  todayIndex: number | null,
  products: string[],
  /** every active member */
  all: readonly string[],
): Promise<PeriodUsage> {
  const days = eachDay(period.start, period.end);
  const atPace = (v: bigint) =>
    todayIndex === null ? v : (v * BigInt(days.length)) / BigInt(todayIndex + 1);
  const extend = (cum: bigint[]) => (todayIndex === null ? cum : extendAtPace(cum, todayIndex));
  const totals = await memberTotals(db, budget, period);
  if (todayIndex !== null) for (const [id, v] of totals) totals.set(id, atPace(v));
  const productTotals = await memberProductTotals(db, budget, period, products);
  for (const of of productTotals.values()) for (const [p, v] of of) of.set(p, atPace(v));
  const pools = new Map<string, Promise<Series>>();
  return {
    totals,
    productTotals,
    days: new Map(),
    productDays: new Map(),
    loadDays: (ids) =>
      memberDays(db, budget, period, ids, all, todayIndex === null ? null : extend, todayIndex),
    loadProductDays: async (ids) => {
      const read = await memberProductDays(db, budget, period, ids, products);
      const out = new Map<string, Map<string, Series>>();
      for (const [id, series] of read)
        out.set(id, new Map([...series].map(([p, cum]) => [p, extend(cum)])));
      return out;
    },
    poolSeries: (gid, product) => {
      const key = `${gid ?? ""}|${product}`;
      let s = pools.get(key);
      if (!s) {
        s = poolDays(db, budget, period, gid, product).then((d) => extend(cumulate(days, d)));
        pools.set(key, s);
      }
      return s;
    },
  };
}

/** The replay itself, every affected member's answer kept (simulate() sums it up; tests compare it). */
export async function replayAll(db: Db, decider: Decider, input: SimulateInput, now: Date) {
  const workspaceId = decider.actor.workspaceId;
  const [budget, version, policyRows] = await Promise.all([
    loadWorkspaceBudget(db, workspaceId, now),
    readWorkspaceVersion(db, workspaceId),
    db.limitPolicy.findMany({
      where: { workspaceId },
      select: {
        id: true,
        scope: true,
        groupId: true,
        memberId: true,
        product: true,
        amountMicros: true,
        poolCapMicros: true,
        softThresholdPct: true,
        action: true,
        startsAt: true,
        expiresAt: true,
        note: true,
        sourceRequestId: true,
      },
    }),
  ]);
  const stamp = `${version.config}:${version.usage}`;
  const { people, memberships } = await keptRead(db, `people|${workspaceId}`, stamp, () =>
    readPeople(db, workspaceId),
  );
  const { members } = people;
  const policies = policyRows.map(toPolicyInput);
  const proposal = await proposalOf(db, decider, input.change, budget, policies, now);
  const everyone = members.map((m) => m.id);
  const active = new Set(everyone);
  const a = proposal.affected;
  const affected =
    a.kind === "all"
      ? everyone
      : a.kind === "group"
        ? memberships
            .filter((gm) => gm.groupId === a.groupId && active.has(gm.memberId))
            .map((gm) => gm.memberId)
        : active.has(a.memberId)
          ? [a.memberId]
          : [];

  const periods: Period[] = [budget.period];
  for (let i = 0; i < input.periods; i++)
    periods.push(previousPeriod(periods[i]!, budget.budgetPeriod));

  const affectedGroups = affected.map((id) => people.groupsOf.get(id) ?? []);
  // the products product-scoped limits name (as they are or as proposed): their usage is read apart
  const products = namedProducts([...proposal.proposed, ...proposal.baseline]);
  const replays: PeriodReplay[] = [];
  for (const period of periods) {
    const current = period === budget.period;
    const todayIndex = current ? daysBetween(period.start, budget.today) : null;
    const usageKey = [
      "usage",
      workspaceId,
      budget.unit,
      budget.seats,
      budget.timezone,
      period.start,
      period.end,
      todayIndex,
      products.join(","),
    ].join("|");
    const usage = await keptRead(db, usageKey, stamp, () =>
      readPeriodUsage(db, budget, period, todayIndex, products, everyone),
    );
    const proposed = await replayUnder(
      budget,
      period,
      people,
      affected,
      affectedGroups,
      proposal.proposed,
      usage,
    );
    // the limits as they are (every proposal's baseline: the workspace's policies, which the
    // stamp covers) answer the same for the same people over the same reads: kept like them,
    // so the next question about the same people replays only its proposal
    const baseline = await keptRead(
      db,
      `baseline|${usageKey}|${a.kind === "all" ? "" : a.kind === "group" ? a.groupId : a.memberId}|${a.kind}`,
      stamp,
      () => replayUnder(budget, period, people, affected, affectedGroups, proposal.baseline, usage),
    );
    replays.push({ period, current, proposed, baseline });
  }
  return { budget, proposal, people, affected, products, replays };
}

function nameRanks(people: People): Map<string, number> {
  if (!people.ranks) {
    const collator = new Intl.Collator();
    const sorted = [...people.members].sort((a, b) => collator.compare(a.name, b.name));
    people.ranks = new Map(sorted.map((m, i) => [m.id, i]));
  }
  return people.ranks;
}

export async function simulate(
  db: Db,
  decider: Decider,
  input: SimulateInput,
  now: Date,
): Promise<Simulation> {
  const { budget, proposal, people, affected, products, replays } = await replayAll(
    db,
    decider,
    input,
    now,
  );
  const byId = new Map(people.members.map((m) => [m.id, m]));
  // people listed by name (the locale's order) on the same day: ranked once, not per comparison
  const nameRank = (id: string) => nameRanks(people).get(id) ?? 0;
  const out: SimulatedPeriod[] = [];
  for (const { period, current, proposed: proposedReplays, baseline: baselineReplays } of replays) {
    // each person's checks together (all products, and each product their limits name)
    const proposed = { results: together(proposedReplays), replays: proposedReplays };
    const baseline = { results: together(baselineReplays) };
    // counted as they go: no per-group lists of 20,000 replays
    const groupTally = new Map<string, { members: number; proposed: Tally; baseline: Tally }>();
    for (const id of affected) {
      const p = proposed.results.get(id)!;
      const b = baseline.results.get(id)!;
      for (const gid of people.groupsOf.get(id) ?? []) {
        let g = groupTally.get(gid);
        if (!g) groupTally.set(gid, (g = { members: 0, proposed: tally([]), baseline: tally([]) }));
        g.members++;
        count(g.proposed, p);
        count(g.baseline, b);
      }
    }
    const listed = firstListed(proposed.results.values(), nameRank, LISTED);
    out.push({
      start: period.start,
      end: period.end,
      current,
      forecastFrom: current && budget.today < period.end ? addDays(budget.today, 1) : null,
      proposed: tally(proposed.results.values()),
      baseline: tally(baseline.results.values()),
      groups: [...groupTally]
        .map(([gid, g]) => ({
          groupId: gid,
          name: people.groupName.get(gid) ?? "?",
          members: g.members,
          ...g.proposed,
          baseline: g.baseline,
        }))
        .sort((x, y) => y.blocked - x.blocked || y.soft - x.soft || x.name.localeCompare(y.name)),
      members: listed.first.map((r) =>
        memberRow(r, proposed.replays, byId, people, baseline.results.get(r.memberId)),
      ),
      membersTotal: listed.total,
    });
  }
  return {
    unit: budget.unit,
    budgetPeriod: budget.budgetPeriod,
    change: proposal.description,
    affectedMembers: affected.length,
    periods: out,
    products,
    notes: [
      ...proposal.notes,
      ...(products.length
        ? [
            `Limits for ${products.join(", ")} are replayed as the budget check for that product asks them (its own limits and pools, else the all-products ones); a person is counted once, from their first alert or refusal on any product, and the spend stopped is each check's products' spend.`,
          ]
        : []),
      "Recorded spend is replayed as it happened: spend a refusal would have stopped still counts in its pools.",
    ],
  };
}

/**
 * The first `n` people alerted or refused in the order they are listed — refused first, then by
 * day, then by name (`rank`) — and how many there are: people grouped by refused and day (a
 * period has a few dozen such groups), and only the groups the first `n` reach ranked by name,
 * not every one of 20,000 sorted (each group in the order given, as a stable sort keeps ties).
 */
export function firstListed(
  results: Iterable<MemberReplay>,
  rank: (memberId: string) => number,
  n: number,
): { first: MemberReplay[]; total: number } {
  const byDay = new Map<string, MemberReplay[]>();
  let total = 0;
  for (const r of results) {
    // ISO days: "0" + day (refused) sorts before "1" + day (alerted), each by day
    const key = r.blockedDay ? `0${r.blockedDay}` : r.softDay ? `1${r.softDay}` : null;
    if (key === null) continue;
    total++;
    const list = byDay.get(key);
    if (list) list.push(r);
    else byDay.set(key, [r]);
  }
  const first: MemberReplay[] = [];
  for (const key of [...byDay.keys()].sort()) {
    if (first.length >= n) break;
    const ranked = byDay
      .get(key)!
      .map((r) => ({ r, rank: rank(r.memberId) }))
      .sort((x, y) => x.rank - y.rank);
    for (const x of ranked) {
      if (first.length >= n) break;
      first.push(x.r);
    }
  }
  return { first, total };
}

/** Each member's checks together (replayOf); the all-products map itself when no limit names a product. */
function together(r: Replays): Map<string, MemberReplay> {
  if (r.byProduct.size === 0) return r.all;
  const out = new Map<string, MemberReplay>();
  for (const id of r.all.keys()) out.set(id, replayOf(r, id));
  return out;
}

function memberRow(
  r: MemberReplay,
  replays: Replays,
  byId: Map<string, { name: string; email: string }>,
  people: People,
  baseline: MemberReplay | undefined,
): SimulatedMember {
  const m = byId.get(r.memberId);
  const e: EffectiveLimit = r.end;
  const scoped = replays.byProduct.get(r.memberId);
  return {
    memberId: r.memberId,
    name: m?.name ?? r.memberId,
    email: m?.email ?? "",
    groups: (people.groupsOf.get(r.memberId) ?? [])
      .map((g) => people.groupName.get(g) ?? "?")
      .sort(),
    product: r.product,
    byProduct: scoped
      ? [replays.all.get(r.memberId)!, ...scoped].map((x) => ({
          product: x.product,
          softDay: x.softDay,
          blockedDay: x.blockedDay,
          stoppedMicros: x.stoppedMicros,
          limitMicros: x.end.limitMicros,
          reason: x.end.reason,
        }))
      : [],
    softDay: r.softDay,
    overDay: r.overDay,
    blockedDay: r.blockedDay,
    stoppedMicros: r.stoppedMicros,
    limitMicros: e.limitMicros,
    reason: e.reason,
    blockedNow: baseline?.blockedDay != null,
  };
}

/**
 * The person an API token simulates for: its creator as they are now (like a token that
 * decides requests); refused when the creator is gone or may neither change limits nor decide.
 */
export async function tokenSimulator(
  db: Db,
  token: Pick<TokenPrincipal, "tokenId" | "workspaceId" | "name" | "createdById">,
): Promise<Decider> {
  const creator = token.createdById ? await loadActor(db, token.createdById) : null;
  if (!creator || creator.workspaceId !== token.workspaceId)
    throw new ForbiddenError(
      `Token "${token.name}" acts for the person who created it, who is no longer an active member of this workspace: create a new token`,
    );
  if (
    !canAny(creator, [
      "limits:write",
      "limits:write:workspace",
      "requests:decide:all",
      "requests:decide:groups",
    ])
  )
    throw new ForbiddenError(
      `Token "${token.name}" acts for ${creator.email}, who may neither change limits nor decide requests`,
    );
  return { kind: "token", actor: creator, token: { id: token.tokenId, name: token.name } };
}

/** A signed-in person simulating (the API token route passes the decider its creator stands for). */
export function memberDecider(actor: Actor): Decider {
  return { kind: "member", actor };
}
