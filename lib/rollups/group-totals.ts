/**
 * UsageGroupDayTotal / UsageCostCenterDayTotal are UsageMemberDayTotal summed under the
 * group / cost-center breakdown's own keys (dimensionKey: a member in two groups counts in
 * both, "~none" for members in no group / without a cost center, "" for unattributed), and
 * the Month tables are those day rows summed by calendar month. Kept in the same
 * transaction as every write that changes them:
 *  - the sync's rebuild of some days (rebuild-days.ts), after the member day totals:
 *    those days' rows are rebuilt, then the months they touch re-summed;
 *  - a directory sync that changes a group's members (lib/ingest/directory.ts) and the people
 *    screens (people-moves.ts): that group's rows are rebuilt from its member list, and "~none"
 *    takes in or gives back the usage of members whose last group went or first group came.
 * A member's cost center is only set when the directory creates them, before any usage can
 * point at them, so nothing else moves the cost-center rows.
 */
import { NONE } from "../analytics/filters";
import { dimensionKey, Params, type Source } from "../analytics/sql-builder";
import type { DayKey } from "../core/period";
import { engineOf, type Engine, type Tx } from "../server/db";
import { chunks, inList, jsonList, placeholder } from "../server/sql";
import { addOnConflict, allZero, COLUMNS, METRICS } from "./metrics";
import { daysOf, daysParams } from "./month-deltas";

const SUMS = METRICS.map((m) => `SUM(r."${m}")`).join(", ");

export type Kind = "group" | "costCenter";
const TABLES: Record<Kind, { day: string; month: string; key: string }> = {
  group: { day: `"UsageGroupDayTotal"`, month: `"UsageGroupMonthTotal"`, key: `"groupId"` },
  costCenter: {
    day: `"UsageCostCenterDayTotal"`,
    month: `"UsageCostCenterMonthTotal"`,
    key: `"costCenter"`,
  },
};

/** The breakdown's key of a member-day row r (and the join it needs): the very expression the member path groups by. */
function keyOf(kind: Kind, engine: Engine): { key: string; joins: string } {
  const memberDays = { member: `r."memberKey"` } as Source;
  return dimensionKey(memberDays, kind, {}, new Params(engine));
}

/** After the member day totals of `days` are rebuilt: rebuild both dimensions' rows of those days and re-sum their months. */
export async function rebuildGroupDayTotals(
  tx: Tx,
  workspaceId: string,
  days: Iterable<DayKey>,
): Promise<void> {
  const engine = engineOf(tx);
  const unique = [...new Set(days)].sort();
  if (!unique.length) return;
  for (const kind of ["group", "costCenter"] as const) {
    const t = TABLES[kind];
    const { key, joins } = keyOf(kind, engine);
    for (const batch of chunks(unique, 200)) {
      const params = [workspaceId, ...batch];
      const dayIn = inList(engine, batch.length, 2);
      await tx.$executeRawUnsafe(
        `DELETE FROM ${t.day} WHERE "workspaceId" = ${placeholder(engine, 1)} AND "day" IN ${dayIn}`,
        ...params,
      );
      // by the key (workspaceId, day): with the day list alone SQLite walked the cost centers'
      // member-ordered covering index over every day the workspace holds (month-deltas.ts daysOf)
      await tx.$executeRawUnsafe(
        `INSERT INTO ${t.day} ("workspaceId", "day", ${t.key}, ${COLUMNS})
         SELECT r."workspaceId", r."day", ${key}, ${SUMS}
         FROM "UsageMemberDayTotal" r ${joins}
         WHERE ${daysOf(engine, "r.")(batch.length)}
         GROUP BY r."workspaceId", r."day", ${key}`,
        ...daysParams(workspaceId, batch),
      );
    }
    for (const month of new Set(unique.map((d) => d.slice(0, 7))))
      await resumMonth(tx, engine, workspaceId, kind, month);
  }
}

/** A month's rows of one dimension, re-summed from its day rows (a few hundred keys × ~30 days). */
async function resumMonth(
  tx: Tx,
  engine: Engine,
  workspaceId: string,
  kind: Kind,
  month: string,
): Promise<void> {
  const t = TABLES[kind];
  const ph = (i: number) => placeholder(engine, i);
  await tx.$executeRawUnsafe(
    `DELETE FROM ${t.month} WHERE "workspaceId" = ${ph(1)} AND "month" = ${ph(2)}`,
    workspaceId,
    month,
  );
  await tx.$executeRawUnsafe(
    `INSERT INTO ${t.month} ("workspaceId", "month", ${t.key}, ${COLUMNS})
     SELECT r."workspaceId", ${ph(1)}, r.${t.key}, ${SUMS}
     FROM ${t.day} r
     WHERE r."workspaceId" = ${ph(2)} AND r."day" >= ${ph(3)} AND r."day" <= ${ph(4)}
     GROUP BY r."workspaceId", r.${t.key}`,
    month,
    workspaceId,
    `${month}-01`,
    `${month}-31`, // day keys compare as text: no day of the month sorts after it
  );
}

/**
 * After a directory sync changed memberships: the changed groups' rows rebuilt from their
 * member lists (every day), and "~none" adjusted for members whose group count went to or
 * from zero. `joined` is, per member, groups joined minus groups left in this change.
 */
export async function applyMembershipChanges(
  tx: Tx,
  workspaceId: string,
  groupIds: string[],
  joined: Map<string, number>,
): Promise<void> {
  const engine = engineOf(tx);
  const ph = (i: number) => placeholder(engine, i);
  const t = TABLES.group;
  for (const batch of chunks([...new Set(groupIds)], 200)) {
    const groupIn = inList(engine, batch.length, 2);
    for (const table of [t.day, t.month])
      await tx.$executeRawUnsafe(
        `DELETE FROM ${table} WHERE "workspaceId" = ${ph(1)} AND "groupId" IN ${groupIn}`,
        workspaceId,
        ...batch,
      );
    // driven from the member lists, each member's days read through the member index
    await tx.$executeRawUnsafe(
      `INSERT INTO ${t.day} ("workspaceId", "day", "groupId", ${COLUMNS})
       SELECT r."workspaceId", r."day", gm."groupId", ${SUMS}
       FROM "GroupMember" gm JOIN "UsageMemberDayTotal" r ON r."workspaceId" = ${ph(1)} AND r."memberKey" = gm."memberId"
       WHERE gm."groupId" IN ${groupIn}
       GROUP BY r."workspaceId", r."day", gm."groupId"`,
      workspaceId,
      ...batch,
    );
    await tx.$executeRawUnsafe(
      `INSERT INTO ${t.month} ("workspaceId", "month", "groupId", ${COLUMNS})
       SELECT r."workspaceId", SUBSTR(r."day", 1, 7), r."groupId", ${SUMS}
       FROM ${t.day} r
       WHERE r."workspaceId" = ${ph(1)} AND r."groupId" IN ${groupIn}
       GROUP BY r."workspaceId", SUBSTR(r."day", 1, 7), r."groupId"`,
      workspaceId,
      ...batch,
    );
  }
  const changed = [...joined].filter(([, n]) => n !== 0).map(([id]) => id);
  if (!changed.length) return;
  const now = new Map<string, number>();
  for (const row of await tx.$queryRawUnsafe<{ memberId: string; n: unknown }[]>(
    `SELECT "memberId", COUNT(*) AS n FROM "GroupMember" WHERE "memberId" IN ${jsonList(engine, 1)} GROUP BY "memberId"`,
    JSON.stringify(changed),
  ))
    now.set(row.memberId, Number(row.n));
  const grouped = changed.filter(
    (id) => (now.get(id) ?? 0) > 0 && (now.get(id) ?? 0) - joined.get(id)! === 0,
  );
  const ungrouped = changed.filter((id) => (now.get(id) ?? 0) === 0);
  await addMembersToDimensionRow(tx, engine, "group", workspaceId, NONE, grouped, -1);
  await addMembersToDimensionRow(tx, engine, "group", workspaceId, NONE, ungrouped, 1);
}

/**
 * Adds (sign 1) or takes out (-1) these members' usage in one row of a dimension (`key`: a
 * group id, "~none" or a cost center), days and months; that row's days and months left at
 * zero are dropped.
 */
export async function addMembersToDimensionRow(
  tx: Tx,
  engine: Engine,
  kind: Kind,
  workspaceId: string,
  key: string,
  memberIds: string[],
  sign: 1 | -1,
): Promise<void> {
  if (!memberIds.length) return;
  const ph = (i: number) => placeholder(engine, i);
  const neg = sign < 0 ? "-" : "";
  const t = TABLES[kind];
  for (const [table, time, from] of [
    [t.day, `"day"`, `"UsageMemberDayTotal"`],
    [t.month, `"month"`, `"UsageMemberMonthTotal"`],
  ] as const) {
    await tx.$executeRawUnsafe(
      `INSERT INTO ${table} ("workspaceId", ${time}, ${t.key}, ${COLUMNS})
       SELECT r."workspaceId", r.${time}, ${ph(1)}, ${METRICS.map((m) => `${neg}SUM(r."${m}")`).join(", ")}
       FROM ${from} r
       WHERE r."workspaceId" = ${ph(2)} AND r."memberKey" IN ${jsonList(engine, 3)}
       GROUP BY r."workspaceId", r.${time}
       ${addOnConflict(table, `"workspaceId", ${time}, ${t.key}`, METRICS)}`,
      key, // SQLite binds its "?" in textual order
      workspaceId,
      JSON.stringify(memberIds),
    );
    await tx.$executeRawUnsafe(
      `DELETE FROM ${table} WHERE "workspaceId" = ${ph(1)} AND ${t.key} = ${ph(2)} AND ${allZero(METRICS)}`,
      workspaceId,
      key,
    );
  }
}
