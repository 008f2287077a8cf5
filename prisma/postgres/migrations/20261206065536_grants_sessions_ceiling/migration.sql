-- DropIndex
DROP INDEX "LimitPolicy_workspaceId_target_product_key";

-- AlterTable
ALTER TABLE "Workspace" ADD COLUMN     "managerGrantCeilingMicros" BIGINT;

-- AlterTable
ALTER TABLE "LimitPolicy" ADD COLUMN     "slot" TEXT NOT NULL DEFAULT '';

-- CreateTable
CREATE TABLE "AuthSession" (
    "id" TEXT NOT NULL,
    "memberId" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "AuthSession_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AuthSession_memberId_idx" ON "AuthSession"("memberId");

-- CreateIndex
CREATE INDEX "AuthSession_expiresAt_idx" ON "AuthSession"("expiresAt");

-- CreateIndex
CREATE INDEX "LimitPolicy_workspaceId_target_product_idx" ON "LimitPolicy"("workspaceId", "target", "product");

-- CreateIndex
CREATE UNIQUE INDEX "LimitPolicy_workspaceId_target_product_slot_key" ON "LimitPolicy"("workspaceId", "target", "product", "slot");
