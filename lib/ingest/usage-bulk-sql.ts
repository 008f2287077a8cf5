/**
 * Bulk reads and writes of UsageRecord that pass a whole batch as ONE JSON parameter and
 * let the database expand it (SQLite json_each, PostgreSQL jsonb_array_elements). Going
 * through the ORM's per-parameter path costs ~10× more at ingestion volumes. Integers
 * travel as decimal strings and are cast in SQL, so bigint values stay exact.
 */
import { toJsonText } from "../core/json";
import type { Engine, Tx } from "../server/db";
import { chunks, inList } from "../server/sql";

/** Column order of a row tuple. */
export const USAGE_COLUMNS = [
  "workspaceId",
  "connectionId",
  "day",
  "provider",
  "identityKey",
  "memberId",
  "product",
  "model",
  "project",
  "apiKey",
  "lineItem",
  "serviceTier",
  "contextWindow",
  "inferenceGeo",
  "inputTokens",
  "cachedInputTokens",
  "cacheWriteTokens",
  "outputTokens",
  "requests",
  "estimatedCostMicros",
  "costMicros",
  "creditsMicros",
  "seatEstimateMicros",
  "seatCreditsMicros",
  "unpriced",
  "lastRunId",
] as const;

const SUMMED = [
  "inputTokens",
  "cachedInputTokens",
  "cacheWriteTokens",
  "outputTokens",
  "requests",
  "estimatedCostMicros",
  "costMicros",
  "creditsMicros",
  "seatEstimateMicros",
  "seatCreditsMicros",
];
const INTEGER_COLUMNS = new Set(SUMMED);
const KEY_COLUMNS = [
  "connectionId",
  "day",
  "identityKey",
  "product",
  "model",
  "project",
  "apiKey",
  "lineItem",
  "serviceTier",
  "contextWindow",
  "inferenceGeo",
];

export type UsageTuple = [
  workspaceId: string,
  connectionId: string,
  day: string,
  provider: string,
  identityKey: string,
  memberId: string | null,
  product: string,
  model: string,
  project: string,
  apiKey: string,
  lineItem: string,
  serviceTier: string,
  contextWindow: string,
  inferenceGeo: string,
  inputTokens: bigint,
  cachedInputTokens: bigint,
  cacheWriteTokens: bigint,
  outputTokens: bigint,
  requests: bigint,
  estimatedCostMicros: bigint,
  costMicros: bigint,
  creditsMicros: bigint,
  seatEstimateMicros: bigint,
  seatCreditsMicros: bigint,
  unpriced: boolean,
  lastRunId: string,
];

function tupleJson(rows: UsageTuple[]): string {
  return toJsonText(rows);
}

function element(engine: Engine, i: number, column: string): string {
  if (engine === "postgres") {
    if (INTEGER_COLUMNS.has(column)) return `(e->>${i})::bigint`;
    if (column === "unpriced") return `(e->>${i})::boolean`;
    return `(e->>${i})`;
  }
  if (INTEGER_COLUMNS.has(column)) return `CAST(value->>${i} AS INTEGER)`;
  if (column === "unpriced") return `CASE WHEN value->>${i} THEN 1 ELSE 0 END`;
  return `value->>${i}`;
}

const STATEMENT_ROWS = 5_000;

/** Inserts rows, replacing the values of any row whose natural key already exists. */
export async function upsertUsageTuples(tx: Tx, engine: Engine, rows: UsageTuple[]): Promise<void> {
  const select = USAGE_COLUMNS.map((c, i) => element(engine, i, c)).join(", ");
  const from = engine === "postgres" ? `jsonb_array_elements($1::jsonb) AS e` : `json_each(?)`;
  const updates = USAGE_COLUMNS.filter((c) => !KEY_COLUMNS.includes(c) && c !== "workspaceId")
    .map((c) => `"${c}" = excluded."${c}"`)
    .join(", ");
  const sql = `INSERT INTO "UsageRecord" (${USAGE_COLUMNS.map((c) => `"${c}"`).join(", ")})
    SELECT ${select} FROM ${from} WHERE true
    ON CONFLICT (${KEY_COLUMNS.map((c) => `"${c}"`).join(", ")}) DO UPDATE SET ${updates}`;
  for (const batch of chunks(rows, STATEMENT_ROWS))
    await tx.$executeRawUnsafe(sql, tupleJson(batch));
}

export interface ExistingUsage {
  id: number;
  day: string;
  identityKey: string;
  memberId: string | null;
  product: string;
  model: string;
  project: string;
  apiKey: string;
  lineItem: string;
  serviceTier: string;
  contextWindow: string;
  inferenceGeo: string;
  provider: string;
  /** the summed columns, in SUMMED order */
  sums: bigint[];
  unpriced: boolean;
}

const READ_COLUMNS = [
  "id",
  "day",
  "identityKey",
  "memberId",
  "product",
  "model",
  "project",
  "apiKey",
  "lineItem",
  "serviceTier",
  "contextWindow",
  "inferenceGeo",
  "provider",
];
const READ_INTEGERS = SUMMED;

/** The connection's rows on the given days, read as one JSON document per chunk of days. */
export async function loadUsageRows(
  tx: Tx,
  engine: Engine,
  connectionId: string,
  days: string[],
): Promise<ExistingUsage[]> {
  const out: ExistingUsage[] = [];
  const parts = [
    ...READ_COLUMNS.map((c) => `"${c}"`),
    ...READ_INTEGERS.map((c) => (engine === "postgres" ? `"${c}"::text` : `CAST("${c}" AS TEXT)`)),
    engine === "postgres" ? `"unpriced"` : `"unpriced" <> 0`,
  ].join(", ");
  const agg =
    engine === "postgres"
      ? `COALESCE(json_agg(json_build_array(${parts})), '[]'::json)::text`
      : `json_group_array(json_array(${parts}))`;
  for (const batch of chunks(days, 100)) {
    const where = `"connectionId" = ${engine === "postgres" ? "$1" : "?"} AND "day" IN ${inList(engine, batch.length, 2)}`;
    const result = await tx.$queryRawUnsafe<{ j: string }[]>(
      `SELECT ${agg} AS j FROM "UsageRecord" WHERE ${where}`,
      connectionId,
      ...batch,
    );
    const tuples = JSON.parse(result[0]?.j ?? "[]") as unknown[][];
    for (const t of tuples) {
      const n = READ_COLUMNS.length;
      out.push({
        id: Number(t[0]),
        day: String(t[1]),
        identityKey: String(t[2]),
        memberId: (t[3] as string | null) ?? null,
        product: String(t[4]),
        model: String(t[5]),
        project: String(t[6]),
        apiKey: String(t[7]),
        lineItem: String(t[8]),
        serviceTier: String(t[9]),
        contextWindow: String(t[10]),
        inferenceGeo: String(t[11]),
        provider: String(t[12]),
        sums: READ_INTEGERS.map((_, i) => BigInt(t[n + i] as string)),
        unpriced: t[n + READ_INTEGERS.length] === true || t[n + READ_INTEGERS.length] === 1,
      });
    }
  }
  return out;
}
