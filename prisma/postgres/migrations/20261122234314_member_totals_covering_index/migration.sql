-- DropIndex
DROP INDEX "UsageMemberDayTotal_workspaceId_memberKey_day_creditsMicros_idx";

-- CreateIndex
CREATE INDEX "Member_workspaceId_costCenter_idx" ON "Member"("workspaceId", "costCenter");

-- CreateIndex
CREATE INDEX "UsageMemberDayTotal_member_day_all" ON "UsageMemberDayTotal"("workspaceId", "memberKey", "day", "creditsMicros", "costMicros", "estimatedCostMicros", "inputTokens", "cachedInputTokens", "outputTokens", "requests", "unpricedRequests");
