-- CreateIndex
CREATE INDEX "UsageMemberMonthTotal_workspaceId_month_creditsMicros_idx" ON "UsageMemberMonthTotal"("workspaceId", "month", "creditsMicros");

-- CreateIndex
CREATE INDEX "UsageMemberMonthTotal_workspaceId_month_costMicros_idx" ON "UsageMemberMonthTotal"("workspaceId", "month", "costMicros");
