/**
 * Bulk reads and writes of UsageRecord outside the ORM, whose per-statement and per-value
 * work costs ~10× more at ingestion volumes: on SQLite through the driver's own connection
 * (a prepared statement run per row, bigints bound as they are); on PostgreSQL a whole batch
 * passed as ONE JSON parameter that the database expands (jsonb_array_elements; integers
 * travel as decimal strings and are cast in SQL, so bigint values stay exact).
 */
import { insertRows, type BulkColumns } from "../server/bulk-insert";
import { sqliteDriverOf, type Engine, type Tx } from "../server/db";
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
  /** 1 = unpriced (a number, so the driver binds it as it is) */
  unpriced: 0 | 1,
  lastRunId: string,
];

const BULK_COLUMNS: BulkColumns = USAGE_COLUMNS.map((c) => [
  c,
  INTEGER_COLUMNS.has(c) ? "bigint" : c === "unpriced" ? "boolean" : "text",
]);

/** Inserts rows, replacing the values of any row whose natural key already exists. */
export async function upsertUsageTuples(tx: Tx, rows: UsageTuple[]): Promise<void> {
  const updates = USAGE_COLUMNS.filter((c) => !KEY_COLUMNS.includes(c) && c !== "workspaceId")
    .map((c) => `"${c}" = excluded."${c}"`)
    .join(", ");
  await insertRows(
    tx,
    "UsageRecord",
    BULK_COLUMNS,
    rows,
    `ON CONFLICT (${KEY_COLUMNS.map((c) => `"${c}"`).join(", ")}) DO UPDATE SET ${updates}`,
  );
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
  const driver = sqliteDriverOf(tx);
  if (driver) {
    // one prepared statement per day: integers come back as bigint, no JSON in between
    const statement = driver
      .prepare(
        `SELECT ${[...READ_COLUMNS, ...READ_INTEGERS, "unpriced"].map((c) => `"${c}"`).join(", ")}
         FROM "UsageRecord" WHERE "connectionId" = ? AND "day" = ?`,
      )
      .raw(true);
    for (const day of days)
      for (const t of statement.all(connectionId, day) as unknown[][]) out.push(existingOf(t));
    return out;
  }
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
    for (const t of JSON.parse(result[0]?.j ?? "[]") as unknown[][]) out.push(existingOf(t));
  }
  return out;
}

/** A row read as [READ_COLUMNS…, READ_INTEGERS… (bigint or decimal text), unpriced]. */
function existingOf(t: unknown[]): ExistingUsage {
  const n = READ_COLUMNS.length;
  const sums: bigint[] = [];
  for (let i = 0; i < READ_INTEGERS.length; i++) sums.push(BigInt(t[n + i] as bigint | string));
  const unpriced = t[n + READ_INTEGERS.length];
  return {
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
    sums,
    unpriced: unpriced === true || unpriced === 1 || unpriced === 1n,
  };
}
