-- CreateTable
CREATE TABLE "ProviderCostLine" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "workspaceId" TEXT NOT NULL,
    "connectionId" TEXT NOT NULL,
    "day" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "scope" TEXT NOT NULL DEFAULT '',
    "lineItem" TEXT NOT NULL DEFAULT '',
    "currency" TEXT NOT NULL,
    "amount" TEXT NOT NULL,
    "amountMissing" BOOLEAN NOT NULL DEFAULT false,
    "usdMicros" BIGINT,
    "rateMissing" BOOLEAN NOT NULL DEFAULT false,
    "lastRunId" TEXT NOT NULL DEFAULT '',
    CONSTRAINT "ProviderCostLine_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ProviderCostLine_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "Connection" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ExchangeRate" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "workspaceId" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "effectiveFrom" TEXT NOT NULL,
    "usdPerUnit" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "ExchangeRate_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Workspace" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "budgetUnit" TEXT NOT NULL DEFAULT 'CREDITS',
    "usdPerCreditMicros" BIGINT NOT NULL DEFAULT 40000,
    "timezone" TEXT NOT NULL DEFAULT 'UTC',
    "budgetPeriod" TEXT NOT NULL DEFAULT 'MONTHLY',
    "configVersion" INTEGER NOT NULL DEFAULT 0,
    "usageVersion" INTEGER NOT NULL DEFAULT 0,
    "managerGrantCeilingMicros" BIGINT,
    "seatEstimatesCountAgainstLimits" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Workspace" ("budgetPeriod", "budgetUnit", "configVersion", "createdAt", "id", "managerGrantCeilingMicros", "name", "slug", "timezone", "updatedAt", "usageVersion", "usdPerCreditMicros") SELECT "budgetPeriod", "budgetUnit", "configVersion", "createdAt", "id", "managerGrantCeilingMicros", "name", "slug", "timezone", "updatedAt", "usageVersion", "usdPerCreditMicros" FROM "Workspace";
DROP TABLE "Workspace";
ALTER TABLE "new_Workspace" RENAME TO "Workspace";
CREATE UNIQUE INDEX "Workspace_slug_key" ON "Workspace"("slug");
CREATE TABLE "new_SyncRun" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "workspaceId" TEXT NOT NULL,
    "connectionId" TEXT NOT NULL,
    "windowStart" TEXT NOT NULL,
    "windowEnd" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'RUNNING',
    "trigger" TEXT NOT NULL DEFAULT 'manual',
    "pages" INTEGER NOT NULL DEFAULT 0,
    "rowsRead" INTEGER NOT NULL DEFAULT 0,
    "rowsInserted" INTEGER NOT NULL DEFAULT 0,
    "rowsUpdated" INTEGER NOT NULL DEFAULT 0,
    "rowsUnchanged" INTEGER NOT NULL DEFAULT 0,
    "warnings" TEXT NOT NULL DEFAULT '',
    "error" TEXT,
    "startedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" DATETIME,
    CONSTRAINT "SyncRun_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "SyncRun_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "Connection" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_SyncRun" ("connectionId", "error", "finishedAt", "id", "pages", "rowsInserted", "rowsRead", "rowsUnchanged", "rowsUpdated", "startedAt", "status", "trigger", "windowEnd", "windowStart", "workspaceId") SELECT "connectionId", "error", "finishedAt", "id", "pages", "rowsInserted", "rowsRead", "rowsUnchanged", "rowsUpdated", "startedAt", "status", "trigger", "windowEnd", "windowStart", "workspaceId" FROM "SyncRun";
DROP TABLE "SyncRun";
ALTER TABLE "new_SyncRun" RENAME TO "SyncRun";
CREATE INDEX "SyncRun_connectionId_startedAt_idx" ON "SyncRun"("connectionId", "startedAt");
CREATE TABLE "new_UsageRecord" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "workspaceId" TEXT NOT NULL,
    "connectionId" TEXT NOT NULL,
    "day" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "identityKey" TEXT NOT NULL DEFAULT '',
    "memberId" TEXT,
    "product" TEXT NOT NULL,
    "model" TEXT NOT NULL DEFAULT '',
    "project" TEXT NOT NULL DEFAULT '',
    "apiKey" TEXT NOT NULL DEFAULT '',
    "lineItem" TEXT NOT NULL DEFAULT '',
    "inputTokens" BIGINT NOT NULL DEFAULT 0,
    "cachedInputTokens" BIGINT NOT NULL DEFAULT 0,
    "cacheWriteTokens" BIGINT NOT NULL DEFAULT 0,
    "outputTokens" BIGINT NOT NULL DEFAULT 0,
    "requests" BIGINT NOT NULL DEFAULT 0,
    "serviceTier" TEXT NOT NULL DEFAULT '',
    "contextWindow" TEXT NOT NULL DEFAULT '',
    "inferenceGeo" TEXT NOT NULL DEFAULT '',
    "estimatedCostMicros" BIGINT NOT NULL DEFAULT 0,
    "costMicros" BIGINT NOT NULL DEFAULT 0,
    "creditsMicros" BIGINT NOT NULL DEFAULT 0,
    "seatEstimateMicros" BIGINT NOT NULL DEFAULT 0,
    "seatCreditsMicros" BIGINT NOT NULL DEFAULT 0,
    "unpriced" BOOLEAN NOT NULL DEFAULT false,
    "lastRunId" TEXT NOT NULL DEFAULT '',
    CONSTRAINT "UsageRecord_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "UsageRecord_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "Connection" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "UsageRecord_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_UsageRecord" ("apiKey", "cachedInputTokens", "connectionId", "costMicros", "creditsMicros", "day", "estimatedCostMicros", "id", "identityKey", "inputTokens", "lastRunId", "lineItem", "memberId", "model", "outputTokens", "product", "project", "provider", "requests", "unpriced", "workspaceId") SELECT "apiKey", "cachedInputTokens", "connectionId", "costMicros", "creditsMicros", "day", "estimatedCostMicros", "id", "identityKey", "inputTokens", "lastRunId", "lineItem", "memberId", "model", "outputTokens", "product", "project", "provider", "requests", "unpriced", "workspaceId" FROM "UsageRecord";
DROP TABLE "UsageRecord";
ALTER TABLE "new_UsageRecord" RENAME TO "UsageRecord";
CREATE INDEX "UsageRecord_workspaceId_day_idx" ON "UsageRecord"("workspaceId", "day");
CREATE INDEX "UsageRecord_workspaceId_memberId_day_idx" ON "UsageRecord"("workspaceId", "memberId", "day");
CREATE UNIQUE INDEX "UsageRecord_connectionId_day_identityKey_product_model_project_apiKey_lineItem_serviceTier_contextWindow_inferenceGeo_key" ON "UsageRecord"("connectionId", "day", "identityKey", "product", "model", "project", "apiKey", "lineItem", "serviceTier", "contextWindow", "inferenceGeo");
CREATE TABLE "new_UsageDailyRollup" (
    "workspaceId" TEXT NOT NULL,
    "day" TEXT NOT NULL,
    "memberKey" TEXT NOT NULL,
    "product" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "inputTokens" BIGINT NOT NULL DEFAULT 0,
    "cachedInputTokens" BIGINT NOT NULL DEFAULT 0,
    "outputTokens" BIGINT NOT NULL DEFAULT 0,
    "requests" BIGINT NOT NULL DEFAULT 0,
    "estimatedCostMicros" BIGINT NOT NULL DEFAULT 0,
    "costMicros" BIGINT NOT NULL DEFAULT 0,
    "creditsMicros" BIGINT NOT NULL DEFAULT 0,
    "seatEstimateMicros" BIGINT NOT NULL DEFAULT 0,
    "seatCreditsMicros" BIGINT NOT NULL DEFAULT 0,
    "unpricedRequests" BIGINT NOT NULL DEFAULT 0,

    PRIMARY KEY ("workspaceId", "day", "memberKey", "product", "model", "provider"),
    CONSTRAINT "UsageDailyRollup_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_UsageDailyRollup" ("cachedInputTokens", "costMicros", "creditsMicros", "day", "estimatedCostMicros", "inputTokens", "memberKey", "model", "outputTokens", "product", "provider", "requests", "unpricedRequests", "workspaceId") SELECT "cachedInputTokens", "costMicros", "creditsMicros", "day", "estimatedCostMicros", "inputTokens", "memberKey", "model", "outputTokens", "product", "provider", "requests", "unpricedRequests", "workspaceId" FROM "UsageDailyRollup";
DROP TABLE "UsageDailyRollup";
ALTER TABLE "new_UsageDailyRollup" RENAME TO "UsageDailyRollup";
CREATE INDEX "UsageDailyRollup_workspaceId_memberKey_day_idx" ON "UsageDailyRollup"("workspaceId", "memberKey", "day");
CREATE TABLE "new_UsageDayTotal" (
    "workspaceId" TEXT NOT NULL,
    "day" TEXT NOT NULL,
    "product" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "inputTokens" BIGINT NOT NULL DEFAULT 0,
    "cachedInputTokens" BIGINT NOT NULL DEFAULT 0,
    "outputTokens" BIGINT NOT NULL DEFAULT 0,
    "requests" BIGINT NOT NULL DEFAULT 0,
    "estimatedCostMicros" BIGINT NOT NULL DEFAULT 0,
    "costMicros" BIGINT NOT NULL DEFAULT 0,
    "creditsMicros" BIGINT NOT NULL DEFAULT 0,
    "seatEstimateMicros" BIGINT NOT NULL DEFAULT 0,
    "seatCreditsMicros" BIGINT NOT NULL DEFAULT 0,
    "unpricedRequests" BIGINT NOT NULL DEFAULT 0,

    PRIMARY KEY ("workspaceId", "day", "product", "model", "provider"),
    CONSTRAINT "UsageDayTotal_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_UsageDayTotal" ("cachedInputTokens", "costMicros", "creditsMicros", "day", "estimatedCostMicros", "inputTokens", "model", "outputTokens", "product", "provider", "requests", "unpricedRequests", "workspaceId") SELECT "cachedInputTokens", "costMicros", "creditsMicros", "day", "estimatedCostMicros", "inputTokens", "model", "outputTokens", "product", "provider", "requests", "unpricedRequests", "workspaceId" FROM "UsageDayTotal";
DROP TABLE "UsageDayTotal";
ALTER TABLE "new_UsageDayTotal" RENAME TO "UsageDayTotal";
CREATE TABLE "new_UsageMemberMonth" (
    "workspaceId" TEXT NOT NULL,
    "month" TEXT NOT NULL,
    "memberKey" TEXT NOT NULL,
    "product" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "inputTokens" BIGINT NOT NULL DEFAULT 0,
    "cachedInputTokens" BIGINT NOT NULL DEFAULT 0,
    "outputTokens" BIGINT NOT NULL DEFAULT 0,
    "requests" BIGINT NOT NULL DEFAULT 0,
    "estimatedCostMicros" BIGINT NOT NULL DEFAULT 0,
    "costMicros" BIGINT NOT NULL DEFAULT 0,
    "creditsMicros" BIGINT NOT NULL DEFAULT 0,
    "seatEstimateMicros" BIGINT NOT NULL DEFAULT 0,
    "seatCreditsMicros" BIGINT NOT NULL DEFAULT 0,
    "unpricedRequests" BIGINT NOT NULL DEFAULT 0,

    PRIMARY KEY ("workspaceId", "month", "memberKey", "product", "model", "provider"),
    CONSTRAINT "UsageMemberMonth_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_UsageMemberMonth" ("cachedInputTokens", "costMicros", "creditsMicros", "estimatedCostMicros", "inputTokens", "memberKey", "model", "month", "outputTokens", "product", "provider", "requests", "unpricedRequests", "workspaceId") SELECT "cachedInputTokens", "costMicros", "creditsMicros", "estimatedCostMicros", "inputTokens", "memberKey", "model", "month", "outputTokens", "product", "provider", "requests", "unpricedRequests", "workspaceId" FROM "UsageMemberMonth";
DROP TABLE "UsageMemberMonth";
ALTER TABLE "new_UsageMemberMonth" RENAME TO "UsageMemberMonth";
CREATE TABLE "new_UsageMemberDayTotal" (
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
    "seatEstimateMicros" BIGINT NOT NULL DEFAULT 0,
    "seatCreditsMicros" BIGINT NOT NULL DEFAULT 0,
    "unpricedRequests" BIGINT NOT NULL DEFAULT 0,

    PRIMARY KEY ("workspaceId", "day", "memberKey"),
    CONSTRAINT "UsageMemberDayTotal_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_UsageMemberDayTotal" ("cachedInputTokens", "costMicros", "creditsMicros", "day", "estimatedCostMicros", "inputTokens", "memberKey", "outputTokens", "requests", "unpricedRequests", "workspaceId") SELECT "cachedInputTokens", "costMicros", "creditsMicros", "day", "estimatedCostMicros", "inputTokens", "memberKey", "outputTokens", "requests", "unpricedRequests", "workspaceId" FROM "UsageMemberDayTotal";
DROP TABLE "UsageMemberDayTotal";
ALTER TABLE "new_UsageMemberDayTotal" RENAME TO "UsageMemberDayTotal";
CREATE INDEX "UsageMemberDayTotal_member_day_all" ON "UsageMemberDayTotal"("workspaceId", "memberKey", "day", "creditsMicros", "costMicros", "estimatedCostMicros", "inputTokens", "cachedInputTokens", "outputTokens", "requests", "unpricedRequests", "seatEstimateMicros", "seatCreditsMicros");
CREATE TABLE "new_UsageMemberMonthTotal" (
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
    "seatEstimateMicros" BIGINT NOT NULL DEFAULT 0,
    "seatCreditsMicros" BIGINT NOT NULL DEFAULT 0,
    "unpricedRequests" BIGINT NOT NULL DEFAULT 0,

    PRIMARY KEY ("workspaceId", "month", "memberKey"),
    CONSTRAINT "UsageMemberMonthTotal_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_UsageMemberMonthTotal" ("cachedInputTokens", "costMicros", "creditsMicros", "estimatedCostMicros", "inputTokens", "memberKey", "month", "outputTokens", "requests", "unpricedRequests", "workspaceId") SELECT "cachedInputTokens", "costMicros", "creditsMicros", "estimatedCostMicros", "inputTokens", "memberKey", "month", "outputTokens", "requests", "unpricedRequests", "workspaceId" FROM "UsageMemberMonthTotal";
DROP TABLE "UsageMemberMonthTotal";
ALTER TABLE "new_UsageMemberMonthTotal" RENAME TO "UsageMemberMonthTotal";
CREATE TABLE "new_UsageGroupDayTotal" (
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
    "seatEstimateMicros" BIGINT NOT NULL DEFAULT 0,
    "seatCreditsMicros" BIGINT NOT NULL DEFAULT 0,
    "unpricedRequests" BIGINT NOT NULL DEFAULT 0,

    PRIMARY KEY ("workspaceId", "day", "groupId"),
    CONSTRAINT "UsageGroupDayTotal_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_UsageGroupDayTotal" ("cachedInputTokens", "costMicros", "creditsMicros", "day", "estimatedCostMicros", "groupId", "inputTokens", "outputTokens", "requests", "unpricedRequests", "workspaceId") SELECT "cachedInputTokens", "costMicros", "creditsMicros", "day", "estimatedCostMicros", "groupId", "inputTokens", "outputTokens", "requests", "unpricedRequests", "workspaceId" FROM "UsageGroupDayTotal";
DROP TABLE "UsageGroupDayTotal";
ALTER TABLE "new_UsageGroupDayTotal" RENAME TO "UsageGroupDayTotal";
CREATE INDEX "UsageGroupDayTotal_workspaceId_groupId_day_idx" ON "UsageGroupDayTotal"("workspaceId", "groupId", "day");
CREATE TABLE "new_UsageGroupMonthTotal" (
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
    "seatEstimateMicros" BIGINT NOT NULL DEFAULT 0,
    "seatCreditsMicros" BIGINT NOT NULL DEFAULT 0,
    "unpricedRequests" BIGINT NOT NULL DEFAULT 0,

    PRIMARY KEY ("workspaceId", "month", "groupId"),
    CONSTRAINT "UsageGroupMonthTotal_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_UsageGroupMonthTotal" ("cachedInputTokens", "costMicros", "creditsMicros", "estimatedCostMicros", "groupId", "inputTokens", "month", "outputTokens", "requests", "unpricedRequests", "workspaceId") SELECT "cachedInputTokens", "costMicros", "creditsMicros", "estimatedCostMicros", "groupId", "inputTokens", "month", "outputTokens", "requests", "unpricedRequests", "workspaceId" FROM "UsageGroupMonthTotal";
DROP TABLE "UsageGroupMonthTotal";
ALTER TABLE "new_UsageGroupMonthTotal" RENAME TO "UsageGroupMonthTotal";
CREATE TABLE "new_UsageCostCenterDayTotal" (
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
    "seatEstimateMicros" BIGINT NOT NULL DEFAULT 0,
    "seatCreditsMicros" BIGINT NOT NULL DEFAULT 0,
    "unpricedRequests" BIGINT NOT NULL DEFAULT 0,

    PRIMARY KEY ("workspaceId", "day", "costCenter"),
    CONSTRAINT "UsageCostCenterDayTotal_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_UsageCostCenterDayTotal" ("cachedInputTokens", "costCenter", "costMicros", "creditsMicros", "day", "estimatedCostMicros", "inputTokens", "outputTokens", "requests", "unpricedRequests", "workspaceId") SELECT "cachedInputTokens", "costCenter", "costMicros", "creditsMicros", "day", "estimatedCostMicros", "inputTokens", "outputTokens", "requests", "unpricedRequests", "workspaceId" FROM "UsageCostCenterDayTotal";
DROP TABLE "UsageCostCenterDayTotal";
ALTER TABLE "new_UsageCostCenterDayTotal" RENAME TO "UsageCostCenterDayTotal";
CREATE INDEX "UsageCostCenterDayTotal_workspaceId_costCenter_day_idx" ON "UsageCostCenterDayTotal"("workspaceId", "costCenter", "day");
CREATE TABLE "new_UsageCostCenterMonthTotal" (
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
    "seatEstimateMicros" BIGINT NOT NULL DEFAULT 0,
    "seatCreditsMicros" BIGINT NOT NULL DEFAULT 0,
    "unpricedRequests" BIGINT NOT NULL DEFAULT 0,

    PRIMARY KEY ("workspaceId", "month", "costCenter"),
    CONSTRAINT "UsageCostCenterMonthTotal_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_UsageCostCenterMonthTotal" ("cachedInputTokens", "costCenter", "costMicros", "creditsMicros", "estimatedCostMicros", "inputTokens", "month", "outputTokens", "requests", "unpricedRequests", "workspaceId") SELECT "cachedInputTokens", "costCenter", "costMicros", "creditsMicros", "estimatedCostMicros", "inputTokens", "month", "outputTokens", "requests", "unpricedRequests", "workspaceId" FROM "UsageCostCenterMonthTotal";
DROP TABLE "UsageCostCenterMonthTotal";
ALTER TABLE "new_UsageCostCenterMonthTotal" RENAME TO "UsageCostCenterMonthTotal";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "ProviderCostLine_workspaceId_day_idx" ON "ProviderCostLine"("workspaceId", "day");

-- CreateIndex
CREATE INDEX "ProviderCostLine_connectionId_rateMissing_idx" ON "ProviderCostLine"("connectionId", "rateMissing");

-- CreateIndex
CREATE UNIQUE INDEX "ProviderCostLine_connectionId_day_scope_lineItem_currency_key" ON "ProviderCostLine"("connectionId", "day", "scope", "lineItem", "currency");

-- CreateIndex
CREATE UNIQUE INDEX "ExchangeRate_workspaceId_currency_effectiveFrom_key" ON "ExchangeRate"("workspaceId", "currency", "effectiveFrom");
