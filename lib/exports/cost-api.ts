/**
 * The own Cost API (GET /api/v1/costs) in the providers' paginated shape: a page of daily
 * buckets, each with results grouped by member / product / model / provider, `has_more`
 * and an opaque `next_page` cursor. Amounts are exact decimal strings (never floats).
 * The range is [start, end) like the providers' start_time/end_time.
 */
import "server-only";

import { z } from "zod";

import { InvalidInputError } from "../core/errors";
import { microsToDecimal } from "../core/money";
import { addDays, daysBetween, dayStart, eachDay, isDayKey } from "../core/period";
import { dayOrUnixSecondsParam } from "../http/query";
import type { Db } from "../server/db";

export const COST_GROUP_BY = ["member", "product", "model", "provider"] as const;
type CostGroup = (typeof COST_GROUP_BY)[number];

export const costQuerySchema = z.object({
  start: dayOrUnixSecondsParam,
  end: dayOrUnixSecondsParam.optional(),
  bucket_width: z.literal("1d").default("1d"),
  group_by: z
    .string()
    .max(200)
    .default("")
    .transform((s) =>
      s
        .split(",")
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(COST_GROUP_BY))),
  limit: z.coerce.number().int().min(1).max(180).default(7),
  page: z.string().max(64).optional(),
});
export type CostQuery = z.infer<typeof costQuerySchema>;

export interface CostResult {
  object: "allotment.costs.result";
  amount: { value: string; currency: "usd" };
  estimated_list_amount: { value: string; currency: "usd" };
  credits: string;
  input_tokens: string;
  cached_input_tokens: string;
  output_tokens: string;
  num_model_requests: string;
  member_id?: string | null;
  member_email?: string | null;
  product?: string;
  model?: string;
  provider?: string;
}

export interface CostBucket {
  object: "bucket";
  start_time: number;
  end_time: number;
  start_date: string;
  results: CostResult[];
}

export interface CostPage {
  object: "page";
  data: CostBucket[];
  has_more: boolean;
  next_page: string | null;
}

function encodeCursor(day: string): string {
  return Buffer.from(`d:${day}`).toString("base64url");
}

function decodeCursor(page: string): string {
  const text = Buffer.from(page, "base64url").toString("utf8");
  const day = text.startsWith("d:") ? text.slice(2) : "";
  if (!isDayKey(day)) throw new InvalidInputError("page is not a cursor from this API", "page");
  return day;
}

export async function costPage(
  db: Db,
  workspaceId: string,
  q: CostQuery,
  today: string,
): Promise<CostPage> {
  const start = q.start;
  const end = q.end ?? addDays(today, 1); // exclusive
  if (daysBetween(start, end) <= 0) throw new InvalidInputError("end must be after start", "end");
  if (daysBetween(start, end) > 3 * 366)
    throw new InvalidInputError("at most three years per query", "end");
  const from = q.page ? decodeCursor(q.page) : start;
  if (from < start || from >= end)
    throw new InvalidInputError("page does not belong to this range", "page");
  const pageEnd = daysBetween(from, end) > q.limit ? addDays(from, q.limit) : end; // exclusive
  const dims = q.group_by as CostGroup[];
  const rollupDims = dims.filter((d): d is Exclude<CostGroup, "member"> => d !== "member");
  const rows = await db.usageDailyRollup.groupBy({
    by: ["day", ...(dims.includes("member") ? (["memberKey"] as const) : []), ...rollupDims],
    where: { workspaceId, day: { gte: from, lt: pageEnd } },
    _sum: {
      costMicros: true,
      estimatedCostMicros: true,
      creditsMicros: true,
      inputTokens: true,
      cachedInputTokens: true,
      outputTokens: true,
      requests: true,
    },
    orderBy: [{ day: "asc" }],
  });
  const memberIds = dims.includes("member")
    ? [...new Set(rows.map((r) => (r as { memberKey?: string }).memberKey ?? "").filter(Boolean))]
    : [];
  const emails = new Map<string, string>();
  for (let i = 0; i < memberIds.length; i += 1000) {
    for (const m of await db.member.findMany({
      where: { workspaceId, id: { in: memberIds.slice(i, i + 1000) } },
      select: { id: true, email: true },
    }))
      emails.set(m.id, m.email);
  }
  const buckets = new Map<string, CostBucket>(
    eachDay(from, addDays(pageEnd, -1)).map((d) => [
      d,
      {
        object: "bucket",
        start_time: dayStart(d).getTime() / 1000,
        end_time: dayStart(addDays(d, 1)).getTime() / 1000,
        start_date: d,
        results: [],
      },
    ]),
  );
  for (const r of rows) {
    const s = r._sum;
    const result: CostResult = {
      object: "allotment.costs.result",
      amount: { value: microsToDecimal(s.costMicros ?? 0n), currency: "usd" },
      estimated_list_amount: {
        value: microsToDecimal(s.estimatedCostMicros ?? 0n),
        currency: "usd",
      },
      credits: microsToDecimal(s.creditsMicros ?? 0n),
      input_tokens: (s.inputTokens ?? 0n).toString(),
      cached_input_tokens: (s.cachedInputTokens ?? 0n).toString(),
      output_tokens: (s.outputTokens ?? 0n).toString(),
      num_model_requests: (s.requests ?? 0n).toString(),
    };
    const any = r as { memberKey?: string; product?: string; model?: string; provider?: string };
    if (dims.includes("member")) {
      const known = any.memberKey ? emails.get(any.memberKey) : undefined;
      result.member_id = known ? any.memberKey! : null;
      result.member_email = known ?? null;
    }
    if (dims.includes("product")) result.product = any.product;
    if (dims.includes("model")) result.model = any.model;
    if (dims.includes("provider")) result.provider = any.provider;
    buckets.get(r.day)?.results.push(result);
  }
  const hasMore = pageEnd < end;
  return {
    object: "page",
    data: [...buckets.values()],
    has_more: hasMore,
    next_page: hasMore ? encodeCursor(pageEnd) : null,
  };
}
