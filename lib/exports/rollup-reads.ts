/**
 * The raw reads behind the exports, written once for both engines. Each returns one
 * bounded chunk as a JSON document built by the database (json-read.ts): the ORM's
 * per-row materialisation was the export's cost, not the query. Integers arrive as
 * IntValue (exact), rows as plain arrays in the column order documented per function.
 */
import "server-only";
import type { Engine } from "../db";
import type { Period } from "../period";
import type { IntValue } from "./csv";
import { exactInt, jsonRowsAgg, params, type JsonSource } from "./json-read";

/** costMicros, estimatedCostMicros, creditsMicros, inputTokens, cachedInputTokens, outputTokens, requests */
export const SUM_COLUMNS = ["costMicros", "estimatedCostMicros", "creditsMicros", "inputTokens", "cachedInputTokens", "outputTokens", "requests"] as const;
export type Sums7 = [IntValue, IntValue, IntValue, IntValue, IntValue, IntValue, IntValue];

/** [memberKey, product, model, provider, ...Sums7] */
export type KeyedSumsTuple = [string, string, string, string, ...Sums7];
/** [day, memberKey, product, model, provider, ...Sums7] */
export type DayTuple = [string, string, string, string, string, ...Sums7];
/** [id, email, name, costCenter] */
export type MemberTuple = [string, string, string, string | null];
/** [memberId, group name, group cost center] */
export type MembershipTuple = [string, string, string];

/** Which rollup dimensions a chargeback keeps apart (the others are summed over and come back as ""). */
export interface RollupSplit {
  product: boolean;
  model: boolean;
  provider: boolean;
}

/** Members in id order after `after` (keyset), at most `limit`. */
export async function memberPage(src: JsonSource, workspaceId: string, after: string, limit: number): Promise<MemberTuple[]> {
  const engine = src.engine;
  const p = params(engine);
  const agg = jsonRowsAgg(engine, [`"id"`, `"email"`, `"name"`, `"costCenter"`], `"id"`);
  return src.rows<MemberTuple>(
    `SELECT ${agg} AS j FROM (SELECT "id", "email", "name", "costCenter" FROM "Member" WHERE "workspaceId" = ${p(1)} AND "id" > ${p(2)} ORDER BY "id" LIMIT ${Number(limit)}) page`,
    [workspaceId, after],
  );
}

/** Group memberships of the members with ids in (after, upTo]. */
export async function membershipsInRange(src: JsonSource, workspaceId: string, after: string, upTo: string): Promise<MembershipTuple[]> {
  const engine = src.engine;
  const p = params(engine);
  const agg = jsonRowsAgg(engine, [`gm."memberId"`, `g."name"`, `g."costCenter"`]);
  return src.rows<MembershipTuple>(
    `SELECT ${agg} AS j FROM "GroupMember" gm JOIN "Group" g ON g."id" = gm."groupId"
     WHERE gm."memberId" > ${p(1)} AND gm."memberId" <= ${p(2)} AND g."workspaceId" = ${p(3)}`,
    [after, upTo, workspaceId],
  );
}

/** Members by id (the FOCUS export looks up the people of each chunk). */
export async function membersByIds(src: JsonSource, workspaceId: string, ids: readonly string[]): Promise<MemberTuple[]> {
  if (ids.length === 0) return [];
  const engine = src.engine;
  const p = params(engine);
  // the id list travels as one JSON parameter: no placeholder limits, one statement
  const list = engine === "postgres" ? `SELECT jsonb_array_elements_text(${p(2)}::jsonb)` : `SELECT value FROM json_each(${p(2)})`;
  const agg = jsonRowsAgg(engine, [`"id"`, `"email"`, `"name"`, `"costCenter"`]);
  return src.rows<MemberTuple>(`SELECT ${agg} AS j FROM "Member" WHERE "workspaceId" = ${p(1)} AND "id" IN (${list})`, [workspaceId, JSON.stringify(ids)]);
}

function sumParts(engine: Engine, alias: (c: string) => string): string[] {
  return SUM_COLUMNS.map((c) => exactInt(engine, alias(c)));
}

/**
 * Totals per memberKey (and the split dimensions) over the period, for memberKeys in
 * (after, upTo] — upTo null: no upper bound; after null: exactly the unattributed key "".
 * A key range reads one index range of (workspaceId, memberKey, day).
 */
export async function sumsByMemberRange(src: JsonSource, workspaceId: string, period: Period, after: string | null, upTo: string | null, split: RollupSplit): Promise<KeyedSumsTuple[]> {
  const engine = src.engine;
  const p = params(engine);
  const dims = (["product", "model", "provider"] as const).filter((d) => split[d]);
  const keyWhere = after === null ? `"memberKey" = ''` : upTo === null ? `"memberKey" > ${p(4)}` : `"memberKey" > ${p(4)} AND "memberKey" <= ${p(5)}`;
  const values: unknown[] = [workspaceId, period.start, period.end];
  if (after !== null) values.push(after);
  if (after !== null && upTo !== null) values.push(upTo);
  const inner = `SELECT "memberKey" AS m${dims.map((d) => `, "${d}" AS ${d}`).join("")}, ${SUM_COLUMNS.map((c) => `SUM("${c}") AS ${c}`).join(", ")}
    FROM "UsageDailyRollup"
    WHERE "workspaceId" = ${p(1)} AND "day" >= ${p(2)} AND "day" <= ${p(3)} AND ${keyWhere}
    GROUP BY "memberKey"${dims.map((d) => `, "${d}"`).join("")}`;
  const parts = ["s.m", ...(["product", "model", "provider"] as const).map((d) => (split[d] ? `s.${d}` : `''`)), ...sumParts(engine, (c) => `s.${c}`)];
  return src.rows<KeyedSumsTuple>(`SELECT ${jsonRowsAgg(engine, parts)} AS j FROM (${inner}) s`, values);
}

export type DayCursor = [day: string, memberKey: string, product: string, model: string, provider: string];

const PK_ORDER = `"day", "memberKey", "product", "model", "provider"`;

/**
 * One page of rollup rows in primary-key order after `cursor` (keyset pagination), as
 * DayTuples in that order — the caller takes the next cursor from the last row.
 * PostgreSQL orders inside json_agg (the only guarantee it gives); SQLite aggregates the
 * ordered subquery's rows as they come (it runs as a co-routine), which spares a sort.
 */
export async function rollupPage(src: JsonSource, workspaceId: string, period: Period, cursor: DayCursor | null, limit: number): Promise<DayTuple[]> {
  const engine = src.engine;
  const p = params(engine);
  const where = cursor
    ? `"workspaceId" = ${p(1)} AND "day" <= ${p(2)} AND (${PK_ORDER}) > (${p(3)}, ${p(4)}, ${p(5)}, ${p(6)}, ${p(7)})`
    : `"workspaceId" = ${p(1)} AND "day" >= ${p(2)} AND "day" <= ${p(3)}`;
  const values = cursor ? [workspaceId, period.end, ...cursor] : [workspaceId, period.start, period.end];
  const parts = [`r."day"`, `r."memberKey"`, `r."product"`, `r."model"`, `r."provider"`, ...sumParts(engine, (c) => `r."${c}"`)];
  const order = engine === "postgres" ? `r."day", r."memberKey", r."product", r."model", r."provider"` : undefined;
  const page = `SELECT ${PK_ORDER}, ${SUM_COLUMNS.map((c) => `"${c}"`).join(", ")} FROM "UsageDailyRollup" WHERE ${where} ORDER BY ${PK_ORDER} LIMIT ${Number(limit)}`;
  return src.rows<DayTuple>(`SELECT ${jsonRowsAgg(engine, parts, order)} AS j FROM (${page}) r`, values);
}
