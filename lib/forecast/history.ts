/**
 * The daily histories a forecast learns from (lib/forecast/model.ts), read from the daily
 * rollups in the budget unit: a member's (all products, or one product), a group's per
 * member (the fallback of a member whose own history is short) and the workspace's. One
 * query per kind, for one subject or all of them, over the lookback and today.
 */
import "server-only";

import { inBudgetUnit, type Unit } from "../core/money";
import { addDays, type DayKey, type Period } from "../core/period";
import { engineOf, type Db } from "../server/db";
import { jsonList, placeholder, toBigInt } from "../server/sql";
import { readRows } from "../server/sqlite-reader";
import {
  LOOKBACK_DAYS,
  MIN_DAYS_WITH_DATA,
  perMember,
  type DailyHistory,
  type PerMemberHistory,
} from "./model";

/** The days a forecast made on `today` reads: the lookback and today. */
export function historyRange(today: DayKey): Period {
  return { start: addDays(today, -LOOKBACK_DAYS), end: today };
}

type AmountRow = { day: string; costMicros: bigint | null; creditsMicros: bigint | null };

function add(into: Map<DayKey, bigint>, unit: Unit, r: AmountRow) {
  const v = inBudgetUnit(unit, {
    costMicros: r.costMicros ?? 0n,
    creditsMicros: r.creditsMicros ?? 0n,
  });
  into.set(r.day, (into.get(r.day) ?? 0n) + v);
}

type KeyDayAmount = { k: string; d: string; v: unknown };

/** Rows of (subject, day, amount) as each subject's daily history. */
function dailyByKey(rows: readonly KeyDayAmount[]): Map<string, DailyHistory> {
  const out = new Map<string, Map<DayKey, bigint>>();
  for (const row of rows) {
    let h = out.get(row.k);
    if (!h) out.set(row.k, (h = new Map()));
    h.set(row.d, (h.get(row.d) ?? 0n) + toBigInt(row.v));
  }
  return out;
}

/**
 * Members' daily spend: all products (product ""), or one product. `memberIds` null = every
 * attributed member of the workspace. One statement whatever the list's length (the ids go
 * as one JSON parameter), read as plain rows: through the ORM's groupBy a whole workspace's
 * lookback (~1 M member-days at 20,000 people) cost ~20 s of object building.
 */
export async function memberHistories(
  db: Db,
  workspaceId: string,
  unit: Unit,
  today: DayKey,
  memberIds: readonly string[] | null,
  product = "",
): Promise<Map<string, DailyHistory>> {
  if (memberIds !== null && memberIds.length === 0) return new Map();
  const r = historyRange(today);
  const engine = engineOf(db);
  const p = (i: number) => placeholder(engine, i);
  const column = unit === "USD" ? `"costMicros"` : `"creditsMicros"`;
  // the daily rollup the limits read their usage from: the meter and the forecast agree
  let sql = `SELECT "memberKey" AS k, "day" AS d, SUM(${column}) AS v FROM "UsageDailyRollup" WHERE "workspaceId" = ${p(1)} AND "day" >= ${p(2)} AND "day" <= ${p(3)}`;
  const params: unknown[] = [workspaceId, r.start, r.end];
  if (memberIds === null) sql += ` AND "memberKey" <> ''`;
  else {
    params.push(JSON.stringify(memberIds));
    sql += ` AND "memberKey" IN ${jsonList(engine, params.length)}`;
  }
  if (product !== "") {
    params.push(product);
    sql += ` AND "product" = ${p(params.length)}`;
  }
  sql += ` GROUP BY "memberKey", "day"`;
  return dailyByKey(await readRows<KeyDayAmount>(db, sql, params));
}

/** Groups' daily spend (a member in two groups counts in both, as in the group rollups). */
export async function groupHistories(
  db: Db,
  workspaceId: string,
  unit: Unit,
  today: DayKey,
  groupIds: readonly string[] | null,
): Promise<Map<string, DailyHistory>> {
  if (groupIds !== null && groupIds.length === 0) return new Map();
  const r = historyRange(today);
  const engine = engineOf(db);
  const column = unit === "USD" ? `"costMicros"` : `"creditsMicros"`;
  // plain rows, not the ORM: every group's lookback is 3,000 × 57 rows at 200,000 people
  const params: unknown[] = [workspaceId, r.start, r.end];
  let sql = `SELECT "groupId" AS k, "day" AS d, ${column} AS v FROM "UsageGroupDayTotal" WHERE "workspaceId" = ${placeholder(engine, 1)} AND "day" >= ${placeholder(engine, 2)} AND "day" <= ${placeholder(engine, 3)}`;
  if (groupIds !== null) {
    params.push(JSON.stringify(groupIds));
    sql += ` AND "groupId" IN ${jsonList(engine, 4)}`;
  }
  return dailyByKey(await readRows<KeyDayAmount>(db, sql, params));
}

/** The workspace's daily spend (attributed or not). */
export async function workspaceHistory(
  db: Db,
  workspaceId: string,
  unit: Unit,
  today: DayKey,
): Promise<DailyHistory> {
  const r = historyRange(today);
  const rows = await db.usageDayTotal.groupBy({
    by: ["day"],
    where: { workspaceId, day: { gte: r.start, lte: r.end } },
    _sum: { costMicros: true, creditsMicros: true },
  });
  const h = new Map<DayKey, bigint>();
  for (const x of rows) add(h, unit, { day: x.day, ...x._sum });
  return h;
}

export { perMember };

/**
 * One member's history, and their first group's (by id) per member when their own is short (the
 * group's is read only then). A product-scoped forecast has no fallback: groups are not
 * rolled up by product.
 */
export async function memberHistoryWithFallback(
  db: Db,
  workspaceId: string,
  unit: Unit,
  today: DayKey,
  memberId: string,
  product: string,
  groupIds: readonly string[],
): Promise<{ history: DailyHistory; fallback: PerMemberHistory | null }> {
  const own = (await memberHistories(db, workspaceId, unit, today, [memberId], product)).get(
    memberId,
  );
  const history = own ?? new Map<DayKey, bigint>();
  // the first by id, as on the Limits screen: every screen picks the same group
  const groupId = [...groupIds].sort()[0];
  if (product !== "" || !groupId || daysWithData(history, today) >= MIN_DAYS_WITH_DATA)
    return { history, fallback: null };
  const [groups, members] = await Promise.all([
    groupHistories(db, workspaceId, unit, today, [groupId]),
    db.groupMember.count({ where: { groupId } }),
  ]);
  const g = groups.get(groupId);
  return { history, fallback: g ? perMember(g, members) : null };
}

function daysWithData(h: DailyHistory, today: DayKey): number {
  const { start } = historyRange(today);
  let n = 0;
  for (const [d, v] of h) if (d >= start && d < today && v > 0n) n++;
  return n;
}
