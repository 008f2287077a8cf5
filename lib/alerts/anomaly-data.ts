/**
 * The numbers the burn-rate anomaly check needs, in three aggregate SQL reads that scale
 * to 20,000 members × 180 days (the ORM's groupBy over every member × day took seconds):
 * 1. memberships → each member's primary group (the chargeback's rule) and group sizes;
 * 2. per group and day, the group's spend, summed in SQL over a JSON member→group map;
 * 3. the daily series of CANDIDATES only: members with at least one day in the checked
 *    window at or above the floor (nobody below it can alert, see anomaly.ts).
 * Each read returns one JSON document (lib/exports/json-read.ts), integers exact.
 */
import "server-only";

import type { DayKey } from "../core/period";
import { primaryGroup } from "../exports/chargeback";
import { toBigIntValue, type IntValue } from "../exports/csv";
import { exactInt, jsonRowsAgg, params, readJsonRows } from "../exports/json-read";
import { engineOf, type Db } from "../server/db";

export interface AnomalyInputs {
  /** member id → their primary group */
  groupOf: Map<string, { id: string; name: string }>;
  /** group id → day → the group's spend per member with it as primary group (micro-USD) */
  groupDaily: Map<string, Map<DayKey, bigint>>;
  /** candidate member id → day → spend (micro-USD), over [from, today] */
  memberDaily: Map<string, Map<DayKey, bigint>>;
}

export async function loadAnomalyInputs(
  db: Db,
  workspaceId: string,
  window: { from: DayKey; checkFrom: DayKey; today: DayKey },
  floorMicros: bigint,
): Promise<AnomalyInputs> {
  const engine = engineOf(db);
  const p = params(engine);

  type Membership = [
    memberId: string,
    memberCostCenter: string | null,
    groupId: string,
    groupName: string,
    groupCostCenter: string,
  ];
  const memberships = await readJsonRows<Membership>(
    db,
    `SELECT ${jsonRowsAgg(engine, [`m."id"`, `m."costCenter"`, `g."id"`, `g."name"`, `g."costCenter"`])} AS j
     FROM "GroupMember" gm JOIN "Member" m ON m."id" = gm."memberId" JOIN "Group" g ON g."id" = gm."groupId"
     WHERE m."workspaceId" = ${p(1)} AND g."workspaceId" = ${p(2)}`,
    [workspaceId, workspaceId],
  );
  const groupsOf = new Map<
    string,
    { costCenter: string | null; groups: { id: string; name: string; costCenter: string }[] }
  >();
  for (const [memberId, cc, id, name, groupCc] of memberships) {
    const e =
      groupsOf.get(memberId) ??
      groupsOf.set(memberId, { costCenter: cc, groups: [] }).get(memberId)!;
    e.groups.push({ id, name, costCenter: groupCc });
  }
  const groupOf = new Map<string, { id: string; name: string }>();
  const size = new Map<string, bigint>();
  for (const [memberId, { costCenter, groups }] of groupsOf) {
    const name = primaryGroup(costCenter, groups);
    const g = groups.find((x) => x.name === name)!;
    groupOf.set(memberId, { id: g.id, name: g.name });
    size.set(g.id, (size.get(g.id) ?? 0n) + 1n);
  }

  const groupDaily = new Map<string, Map<DayKey, bigint>>();
  if (groupOf.size) {
    // the member → primary group map travels as one JSON parameter and is joined in SQL;
    // CROSS JOIN keeps it the outer loop on SQLite (one memberKey index range per member;
    // the other order re-scans the JSON for every rollup row), PostgreSQL plans it freely
    const map = JSON.stringify(Object.fromEntries([...groupOf].map(([m, g]) => [m, g.id])));
    const mapTable =
      engine === "postgres" ? `jsonb_each_text(${p(1)}::jsonb)` : `json_each(${p(1)})`;
    const rows = await readJsonRows<[string, DayKey, IntValue]>(
      db,
      `SELECT ${jsonRowsAgg(engine, ["s.g", "s.d", exactInt(engine, "s.c")])} AS j FROM (
         SELECT map."value" AS g, r."day" AS d, SUM(r."costMicros") AS c
         FROM ${mapTable} map CROSS JOIN "UsageDailyRollup" r
         WHERE r."memberKey" = map."key" AND r."workspaceId" = ${p(2)} AND r."day" >= ${p(3)} AND r."day" <= ${p(4)}
         GROUP BY map."value", r."day") s`,
      [map, workspaceId, window.from, window.today],
    );
    for (const [g, d, c] of rows) {
      const perMember = toBigIntValue(c) / (size.get(g) ?? 1n);
      (groupDaily.get(g) ?? groupDaily.set(g, new Map()).get(g)!).set(d, perMember);
    }
  }

  const series = await readJsonRows<[string, DayKey, IntValue]>(
    db,
    `SELECT ${jsonRowsAgg(engine, ["s.m", "s.d", exactInt(engine, "s.c")])} AS j FROM (
       SELECT r."memberKey" AS m, r."day" AS d, SUM(r."costMicros") AS c
       FROM "UsageDailyRollup" r
       WHERE r."workspaceId" = ${p(1)} AND r."day" >= ${p(2)} AND r."day" <= ${p(3)}
         AND r."memberKey" IN (
           SELECT "memberKey" FROM "UsageDailyRollup"
           WHERE "workspaceId" = ${p(4)} AND "day" >= ${p(5)} AND "day" <= ${p(6)} AND "memberKey" <> ''
           GROUP BY "memberKey", "day" HAVING SUM("costMicros") >= ${p(7)})
       GROUP BY r."memberKey", r."day") s`,
    // placeholders in text order (SQLite binds ? by position)
    [
      workspaceId,
      window.from,
      window.today,
      workspaceId,
      window.checkFrom,
      window.today,
      floorMicros,
    ],
  );
  const memberDaily = new Map<string, Map<DayKey, bigint>>();
  for (const [m, d, c] of series)
    (memberDaily.get(m) ?? memberDaily.set(m, new Map()).get(m)!).set(d, toBigIntValue(c));
  return { groupOf, groupDaily, memberDaily };
}
