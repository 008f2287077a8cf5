-- DropIndex
DROP INDEX "UsageRecord_connectionId_day_identityKey_product_model_proj_key";

-- DropIndex
DROP INDEX "UsageMemberDayTotal_member_day_all";

-- AlterTable
ALTER TABLE "Workspace" ADD COLUMN     "seatEstimatesCountAgainstLimits" BOOLEAN NOT NULL DEFAULT true;

-- AlterTable
ALTER TABLE "SyncRun" ADD COLUMN     "warnings" TEXT NOT NULL DEFAULT '';

-- AlterTable
ALTER TABLE "UsageRecord" ADD COLUMN     "cacheWriteTokens" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "contextWindow" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "inferenceGeo" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "seatCreditsMicros" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "seatEstimateMicros" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "serviceTier" TEXT NOT NULL DEFAULT '';

-- AlterTable
ALTER TABLE "UsageDailyRollup" ADD COLUMN     "seatCreditsMicros" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "seatEstimateMicros" BIGINT NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "UsageDayTotal" ADD COLUMN     "seatCreditsMicros" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "seatEstimateMicros" BIGINT NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "UsageMemberMonth" ADD COLUMN     "seatCreditsMicros" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "seatEstimateMicros" BIGINT NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "UsageMemberDayTotal" ADD COLUMN     "seatCreditsMicros" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "seatEstimateMicros" BIGINT NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "UsageMemberMonthTotal" ADD COLUMN     "seatCreditsMicros" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "seatEstimateMicros" BIGINT NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "UsageGroupDayTotal" ADD COLUMN     "seatCreditsMicros" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "seatEstimateMicros" BIGINT NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "UsageGroupMonthTotal" ADD COLUMN     "seatCreditsMicros" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "seatEstimateMicros" BIGINT NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "UsageCostCenterDayTotal" ADD COLUMN     "seatCreditsMicros" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "seatEstimateMicros" BIGINT NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "UsageCostCenterMonthTotal" ADD COLUMN     "seatCreditsMicros" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "seatEstimateMicros" BIGINT NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "ProviderCostLine" (
    "id" SERIAL NOT NULL,
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

    CONSTRAINT "ProviderCostLine_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ExchangeRate" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "effectiveFrom" TEXT NOT NULL,
    "usdPerUnit" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ExchangeRate_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ProviderCostLine_workspaceId_day_idx" ON "ProviderCostLine"("workspaceId", "day");

-- CreateIndex
CREATE INDEX "ProviderCostLine_connectionId_rateMissing_idx" ON "ProviderCostLine"("connectionId", "rateMissing");

-- CreateIndex
CREATE UNIQUE INDEX "ProviderCostLine_connectionId_day_scope_lineItem_currency_key" ON "ProviderCostLine"("connectionId", "day", "scope", "lineItem", "currency");

-- CreateIndex
CREATE UNIQUE INDEX "ExchangeRate_workspaceId_currency_effectiveFrom_key" ON "ExchangeRate"("workspaceId", "currency", "effectiveFrom");

-- CreateIndex
CREATE UNIQUE INDEX "UsageRecord_connectionId_day_identityKey_product_model_proj_key" ON "UsageRecord"("connectionId", "day", "identityKey", "product", "model", "project", "apiKey", "lineItem", "serviceTier", "contextWindow", "inferenceGeo");

-- CreateIndex
CREATE INDEX "UsageMemberDayTotal_member_day_all" ON "UsageMemberDayTotal"("workspaceId", "memberKey", "day", "creditsMicros", "costMicros", "estimatedCostMicros", "inputTokens", "cachedInputTokens", "outputTokens", "requests", "unpricedRequests", "seatEstimateMicros", "seatCreditsMicros");

-- AddForeignKey
ALTER TABLE "ProviderCostLine" ADD CONSTRAINT "ProviderCostLine_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ProviderCostLine" ADD CONSTRAINT "ProviderCostLine_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "Connection"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ExchangeRate" ADD CONSTRAINT "ExchangeRate_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;
