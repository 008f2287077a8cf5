-- CreateTable
CREATE TABLE "UsageDayTotal" (
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
    "unpricedRequests" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "UsageDayTotal_pkey" PRIMARY KEY ("workspaceId","day","product","model","provider")
);

-- AddForeignKey
ALTER TABLE "UsageDayTotal" ADD CONSTRAINT "UsageDayTotal_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Backfill from the existing daily rollup (the sync keeps it current from here on).
INSERT INTO "UsageDayTotal" ("workspaceId", "day", "product", "model", "provider", "inputTokens", "cachedInputTokens",
  "outputTokens", "requests", "estimatedCostMicros", "costMicros", "creditsMicros", "unpricedRequests")
SELECT "workspaceId", "day", "product", "model", "provider", SUM("inputTokens"), SUM("cachedInputTokens"),
  SUM("outputTokens"), SUM("requests"), SUM("estimatedCostMicros"), SUM("costMicros"), SUM("creditsMicros"), SUM("unpricedRequests")
FROM "UsageDailyRollup"
GROUP BY "workspaceId", "day", "product", "model", "provider";
