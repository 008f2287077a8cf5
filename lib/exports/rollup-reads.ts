/**
 * The two raw reads behind the exports, written once for both engines (the tagged
 * template binds parameters per engine). Raw SQL because Prisma's composite cursors and
 * groupBy materialise far slower than the exports need; sums are normalised to bigint.
 */
import "server-only";
import type { Db } from "../db";
import type { Period } from "../period";
import { toBigInt } from "../sql";

export interface RollupSums {
  costMicros: bigint;
  estimatedCostMicros: bigint;
  creditsMicros: bigint;
  inputTokens: bigint;
  cachedInputTokens: bigint;
  outputTokens: bigint;
  requests: bigint;
}

export interface RollupKeyed extends RollupSums {
  memberKey: string;
  product: string;
  model: string;
  provider: string;
}

export interface RollupDayRow extends RollupKeyed {
  day: string;
}

type RawSums = { c: unknown; e: unknown; cr: unknown; i: unknown; ci: unknown; o: unknown; r: unknown };

function sums(r: RawSums): RollupSums {
  return {
    costMicros: toBigInt(r.c),
    estimatedCostMicros: toBigInt(r.e),
    creditsMicros: toBigInt(r.cr),
    inputTokens: toBigInt(r.i),
    cachedInputTokens: toBigInt(r.ci),
    outputTokens: toBigInt(r.o),
    requests: toBigInt(r.r),
  };
}

/**
 * Totals per (member, product, model, provider) for memberKeys in (after, upTo]
 * (upTo null = no upper bound) — a key range, so each chunk reads one index range.
 */
export async function sumsByMemberRange(db: Db, workspaceId: string, period: Period, after: string, upTo: string | null): Promise<RollupKeyed[]> {
  type Raw = RawSums & { m: string; p: string; md: string; pv: string };
  const rows =
    upTo === null
      ? await db.$queryRaw<Raw[]>`
        SELECT "memberKey" AS m, "product" AS p, "model" AS md, "provider" AS pv,
          SUM("costMicros") AS c, SUM("estimatedCostMicros") AS e, SUM("creditsMicros") AS cr, SUM("inputTokens") AS i,
          SUM("cachedInputTokens") AS ci, SUM("outputTokens") AS o, SUM("requests") AS r
        FROM "UsageDailyRollup"
        WHERE "workspaceId" = ${workspaceId} AND "memberKey" > ${after} AND "day" >= ${period.start} AND "day" <= ${period.end}
        GROUP BY "memberKey", "product", "model", "provider"`
      : await db.$queryRaw<Raw[]>`
        SELECT "memberKey" AS m, "product" AS p, "model" AS md, "provider" AS pv,
          SUM("costMicros") AS c, SUM("estimatedCostMicros") AS e, SUM("creditsMicros") AS cr, SUM("inputTokens") AS i,
          SUM("cachedInputTokens") AS ci, SUM("outputTokens") AS o, SUM("requests") AS r
        FROM "UsageDailyRollup"
        WHERE "workspaceId" = ${workspaceId} AND "memberKey" > ${after} AND "memberKey" <= ${upTo} AND "day" >= ${period.start} AND "day" <= ${period.end}
        GROUP BY "memberKey", "product", "model", "provider"`;
  return rows.map((r) => ({ memberKey: r.m, product: r.p, model: r.md, provider: r.pv, ...sums(r) }));
}

/** Totals of unattributed usage (memberKey ""). */
export async function sumsUnattributed(db: Db, workspaceId: string, period: Period): Promise<RollupKeyed[]> {
  type Raw = RawSums & { p: string; md: string; pv: string };
  const rows = await db.$queryRaw<Raw[]>`
    SELECT "product" AS p, "model" AS md, "provider" AS pv,
      SUM("costMicros") AS c, SUM("estimatedCostMicros") AS e, SUM("creditsMicros") AS cr, SUM("inputTokens") AS i,
      SUM("cachedInputTokens") AS ci, SUM("outputTokens") AS o, SUM("requests") AS r
    FROM "UsageDailyRollup"
    WHERE "workspaceId" = ${workspaceId} AND "memberKey" = '' AND "day" >= ${period.start} AND "day" <= ${period.end}
    GROUP BY "product", "model", "provider"`;
  return rows.map((r) => ({ memberKey: "", product: r.p, model: r.md, provider: r.pv, ...sums(r) }));
}

export type DayCursor = Pick<RollupDayRow, "day" | "memberKey" | "product" | "model" | "provider">;

/** One page of rollup rows in primary-key order after `cursor` (keyset pagination). */
export async function rollupPage(db: Db, workspaceId: string, period: Period, cursor: DayCursor | null, limit: number): Promise<RollupDayRow[]> {
  type Raw = RawSums & { d: string; m: string; p: string; md: string; pv: string };
  const rows = cursor
    ? await db.$queryRaw<Raw[]>`
      SELECT "day" AS d, "memberKey" AS m, "product" AS p, "model" AS md, "provider" AS pv,
        "costMicros" AS c, "estimatedCostMicros" AS e, "creditsMicros" AS cr, "inputTokens" AS i, "cachedInputTokens" AS ci, "outputTokens" AS o, "requests" AS r
      FROM "UsageDailyRollup"
      WHERE "workspaceId" = ${workspaceId} AND "day" <= ${period.end}
        AND ("day", "memberKey", "product", "model", "provider") > (${cursor.day}, ${cursor.memberKey}, ${cursor.product}, ${cursor.model}, ${cursor.provider})
      ORDER BY "day", "memberKey", "product", "model", "provider"
      LIMIT ${limit}`
    : await db.$queryRaw<Raw[]>`
      SELECT "day" AS d, "memberKey" AS m, "product" AS p, "model" AS md, "provider" AS pv,
        "costMicros" AS c, "estimatedCostMicros" AS e, "creditsMicros" AS cr, "inputTokens" AS i, "cachedInputTokens" AS ci, "outputTokens" AS o, "requests" AS r
      FROM "UsageDailyRollup"
      WHERE "workspaceId" = ${workspaceId} AND "day" >= ${period.start} AND "day" <= ${period.end}
      ORDER BY "day", "memberKey", "product", "model", "provider"
      LIMIT ${limit}`;
  return rows.map((r) => ({ day: r.d, memberKey: r.m, product: r.p, model: r.md, provider: r.pv, ...sums(r) }));
}
