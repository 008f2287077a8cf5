-- CreateTable
CREATE TABLE "UsageGroupDayTotal" (
    "workspaceId" TEXT NOT NULL,
    "day" TEXT NOT NULL,
    "groupId" TEXT NOT NULL,
    "inputTokens" BIGINT NOT NULL DEFAULT 0,
    "cachedInputTokens" BIGINT NOT NULL DEFAULT 0,
    "outputTokens" BIGINT NOT NULL DEFAULT 0,
    "requests" BIGINT NOT NULL DEFAULT 0,
    "estimatedCostMicros" BIGINT NOT NULL DEFAULT 0,
    "costMicros" BIGINT NOT NULL DEFAULT 0,
    "creditsMicros" BIGINT NOT NULL DEFAULT 0,
    "unpricedRequests" BIGINT NOT NULL DEFAULT 0,

    PRIMARY KEY ("workspaceId", "day", "groupId"),
    CONSTRAINT "UsageGroupDayTotal_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE
) WITHOUT ROWID; -- rows live in key order: a day's (month's) keys are one contiguous range

-- CreateTable
CREATE TABLE "UsageGroupMonthTotal" (
    "workspaceId" TEXT NOT NULL,
    "month" TEXT NOT NULL,
    "groupId" TEXT NOT NULL,
    "inputTokens" BIGINT NOT NULL DEFAULT 0,
    "cachedInputTokens" BIGINT NOT NULL DEFAULT 0,
    "outputTokens" BIGINT NOT NULL DEFAULT 0,
    "requests" BIGINT NOT NULL DEFAULT 0,
    "estimatedCostMicros" BIGINT NOT NULL DEFAULT 0,
    "costMicros" BIGINT NOT NULL DEFAULT 0,
    "creditsMicros" BIGINT NOT NULL DEFAULT 0,
    "unpricedRequests" BIGINT NOT NULL DEFAULT 0,

    PRIMARY KEY ("workspaceId", "month", "groupId"),
    CONSTRAINT "UsageGroupMonthTotal_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE
) WITHOUT ROWID; -- rows live in key order: a day's (month's) keys are one contiguous range

-- CreateTable
CREATE TABLE "UsageCostCenterDayTotal" (
    "workspaceId" TEXT NOT NULL,
    "day" TEXT NOT NULL,
    "costCenter" TEXT NOT NULL,
    "inputTokens" BIGINT NOT NULL DEFAULT 0,
    "cachedInputTokens" BIGINT NOT NULL DEFAULT 0,
    "outputTokens" BIGINT NOT NULL DEFAULT 0,
    "requests" BIGINT NOT NULL DEFAULT 0,
    "estimatedCostMicros" BIGINT NOT NULL DEFAULT 0,
    "costMicros" BIGINT NOT NULL DEFAULT 0,
    "creditsMicros" BIGINT NOT NULL DEFAULT 0,
    "unpricedRequests" BIGINT NOT NULL DEFAULT 0,

    PRIMARY KEY ("workspaceId", "day", "costCenter"),
    CONSTRAINT "UsageCostCenterDayTotal_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE
) WITHOUT ROWID; -- rows live in key order: a day's (month's) keys are one contiguous range

-- CreateTable
CREATE TABLE "UsageCostCenterMonthTotal" (
    "workspaceId" TEXT NOT NULL,
    "month" TEXT NOT NULL,
    "costCenter" TEXT NOT NULL,
    "inputTokens" BIGINT NOT NULL DEFAULT 0,
    "cachedInputTokens" BIGINT NOT NULL DEFAULT 0,
    "outputTokens" BIGINT NOT NULL DEFAULT 0,
    "requests" BIGINT NOT NULL DEFAULT 0,
    "estimatedCostMicros" BIGINT NOT NULL DEFAULT 0,
    "costMicros" BIGINT NOT NULL DEFAULT 0,
    "creditsMicros" BIGINT NOT NULL DEFAULT 0,
    "unpricedRequests" BIGINT NOT NULL DEFAULT 0,

    PRIMARY KEY ("workspaceId", "month", "costCenter"),
    CONSTRAINT "UsageCostCenterMonthTotal_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE
) WITHOUT ROWID; -- rows live in key order: a day's (month's) keys are one contiguous range

-- CreateIndex
CREATE INDEX "UsageGroupDayTotal_workspaceId_groupId_day_idx" ON "UsageGroupDayTotal"("workspaceId", "groupId", "day");

-- CreateIndex
CREATE INDEX "UsageCostCenterDayTotal_workspaceId_costCenter_day_idx" ON "UsageCostCenterDayTotal"("workspaceId", "costCenter", "day");

-- Backfill from the per-member day totals and today's memberships / cost centers (the sync
-- and the directory sync keep them current from here on: lib/analytics/group-totals.ts).
INSERT INTO "UsageGroupDayTotal" ("workspaceId", "day", "groupId", "inputTokens", "cachedInputTokens", "outputTokens",
  "requests", "estimatedCostMicros", "costMicros", "creditsMicros", "unpricedRequests")
SELECT r."workspaceId", r."day", CASE WHEN r."memberKey" = '' THEN '' ELSE COALESCE(gm."groupId", '~none') END,
  SUM(r."inputTokens"), SUM(r."cachedInputTokens"), SUM(r."outputTokens"), SUM(r."requests"),
  SUM(r."estimatedCostMicros"), SUM(r."costMicros"), SUM(r."creditsMicros"), SUM(r."unpricedRequests")
FROM "UsageMemberDayTotal" r LEFT JOIN "GroupMember" gm ON gm."memberId" = r."memberKey"
GROUP BY r."workspaceId", r."day", CASE WHEN r."memberKey" = '' THEN '' ELSE COALESCE(gm."groupId", '~none') END;

INSERT INTO "UsageCostCenterDayTotal" ("workspaceId", "day", "costCenter", "inputTokens", "cachedInputTokens", "outputTokens",
  "requests", "estimatedCostMicros", "costMicros", "creditsMicros", "unpricedRequests")
SELECT r."workspaceId", r."day", CASE WHEN r."memberKey" = '' THEN '' ELSE COALESCE(m."costCenter", '~none') END,
  SUM(r."inputTokens"), SUM(r."cachedInputTokens"), SUM(r."outputTokens"), SUM(r."requests"),
  SUM(r."estimatedCostMicros"), SUM(r."costMicros"), SUM(r."creditsMicros"), SUM(r."unpricedRequests")
FROM "UsageMemberDayTotal" r LEFT JOIN "Member" m ON m."id" = r."memberKey"
GROUP BY r."workspaceId", r."day", CASE WHEN r."memberKey" = '' THEN '' ELSE COALESCE(m."costCenter", '~none') END;

INSERT INTO "UsageGroupMonthTotal" ("workspaceId", "month", "groupId", "inputTokens", "cachedInputTokens", "outputTokens",
  "requests", "estimatedCostMicros", "costMicros", "creditsMicros", "unpricedRequests")
SELECT "workspaceId", SUBSTR("day", 1, 7), "groupId", SUM("inputTokens"), SUM("cachedInputTokens"), SUM("outputTokens"), SUM("requests"),
  SUM("estimatedCostMicros"), SUM("costMicros"), SUM("creditsMicros"), SUM("unpricedRequests")
FROM "UsageGroupDayTotal"
GROUP BY "workspaceId", SUBSTR("day", 1, 7), "groupId";

INSERT INTO "UsageCostCenterMonthTotal" ("workspaceId", "month", "costCenter", "inputTokens", "cachedInputTokens", "outputTokens",
  "requests", "estimatedCostMicros", "costMicros", "creditsMicros", "unpricedRequests")
SELECT "workspaceId", SUBSTR("day", 1, 7), "costCenter", SUM("inputTokens"), SUM("cachedInputTokens"), SUM("outputTokens"), SUM("requests"),
  SUM("estimatedCostMicros"), SUM("costMicros"), SUM("creditsMicros"), SUM("unpricedRequests")
FROM "UsageCostCenterDayTotal"
GROUP BY "workspaceId", SUBSTR("day", 1, 7), "costCenter";
