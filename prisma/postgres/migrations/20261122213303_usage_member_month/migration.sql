-- CreateTable
CREATE TABLE "UsageMemberMonth" (
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
    "unpricedRequests" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "UsageMemberMonth_pkey" PRIMARY KEY ("workspaceId","month","memberKey","product","model","provider")
);

-- AddForeignKey
ALTER TABLE "UsageMemberMonth" ADD CONSTRAINT "UsageMemberMonth_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Backfill from the existing daily rollup (the sync keeps it current from here on).
INSERT INTO "UsageMemberMonth" ("workspaceId", "month", "memberKey", "product", "model", "provider", "inputTokens",
  "cachedInputTokens", "outputTokens", "requests", "estimatedCostMicros", "costMicros", "creditsMicros", "unpricedRequests")
SELECT "workspaceId", SUBSTR("day", 1, 7), "memberKey", "product", "model", "provider", SUM("inputTokens"),
  SUM("cachedInputTokens"), SUM("outputTokens"), SUM("requests"), SUM("estimatedCostMicros"), SUM("costMicros"),
  SUM("creditsMicros"), SUM("unpricedRequests")
FROM "UsageDailyRollup"
GROUP BY "workspaceId", SUBSTR("day", 1, 7), "memberKey", "product", "model", "provider";
