-- CreateTable
CREATE TABLE "UsageMemberDayTotal" (
    "workspaceId" TEXT NOT NULL,
    "day" TEXT NOT NULL,
    "memberKey" TEXT NOT NULL,
    "inputTokens" BIGINT NOT NULL DEFAULT 0,
    "cachedInputTokens" BIGINT NOT NULL DEFAULT 0,
    "outputTokens" BIGINT NOT NULL DEFAULT 0,
    "requests" BIGINT NOT NULL DEFAULT 0,
    "estimatedCostMicros" BIGINT NOT NULL DEFAULT 0,
    "costMicros" BIGINT NOT NULL DEFAULT 0,
    "creditsMicros" BIGINT NOT NULL DEFAULT 0,
    "unpricedRequests" BIGINT NOT NULL DEFAULT 0,

    PRIMARY KEY ("workspaceId", "day", "memberKey"),
    CONSTRAINT "UsageMemberDayTotal_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE
) WITHOUT ROWID; -- rows live in key order: a day's members are one contiguous range

-- CreateTable
CREATE TABLE "UsageMemberMonthTotal" (
    "workspaceId" TEXT NOT NULL,
    "month" TEXT NOT NULL,
    "memberKey" TEXT NOT NULL,
    "inputTokens" BIGINT NOT NULL DEFAULT 0,
    "cachedInputTokens" BIGINT NOT NULL DEFAULT 0,
    "outputTokens" BIGINT NOT NULL DEFAULT 0,
    "requests" BIGINT NOT NULL DEFAULT 0,
    "estimatedCostMicros" BIGINT NOT NULL DEFAULT 0,
    "costMicros" BIGINT NOT NULL DEFAULT 0,
    "creditsMicros" BIGINT NOT NULL DEFAULT 0,
    "unpricedRequests" BIGINT NOT NULL DEFAULT 0,

    PRIMARY KEY ("workspaceId", "month", "memberKey"),
    CONSTRAINT "UsageMemberMonthTotal_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE
) WITHOUT ROWID; -- rows live in key order: a month's members are one contiguous range

-- CreateIndex
CREATE INDEX "UsageMemberDayTotal_workspaceId_memberKey_day_creditsMicros_costMicros_idx" ON "UsageMemberDayTotal"("workspaceId", "memberKey", "day", "creditsMicros", "costMicros");

-- Backfill from the existing daily rollup (the sync keeps both current from here on).
INSERT INTO "UsageMemberDayTotal" ("workspaceId", "day", "memberKey", "inputTokens", "cachedInputTokens", "outputTokens",
  "requests", "estimatedCostMicros", "costMicros", "creditsMicros", "unpricedRequests")
SELECT "workspaceId", "day", "memberKey", SUM("inputTokens"), SUM("cachedInputTokens"), SUM("outputTokens"), SUM("requests"),
  SUM("estimatedCostMicros"), SUM("costMicros"), SUM("creditsMicros"), SUM("unpricedRequests")
FROM "UsageDailyRollup"
GROUP BY "workspaceId", "day", "memberKey";

INSERT INTO "UsageMemberMonthTotal" ("workspaceId", "month", "memberKey", "inputTokens", "cachedInputTokens", "outputTokens",
  "requests", "estimatedCostMicros", "costMicros", "creditsMicros", "unpricedRequests")
SELECT "workspaceId", SUBSTR("day", 1, 7), "memberKey", SUM("inputTokens"), SUM("cachedInputTokens"), SUM("outputTokens"), SUM("requests"),
  SUM("estimatedCostMicros"), SUM("costMicros"), SUM("creditsMicros"), SUM("unpricedRequests")
FROM "UsageMemberDayTotal"
GROUP BY "workspaceId", SUBSTR("day", 1, 7), "memberKey";
