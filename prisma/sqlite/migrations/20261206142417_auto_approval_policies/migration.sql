-- AlterTable
ALTER TABLE "CreditRequest" ADD COLUMN "autoPolicyId" TEXT;
ALTER TABLE "CreditRequest" ADD COLUMN "revokedAt" DATETIME;
ALTER TABLE "CreditRequest" ADD COLUMN "revokedById" TEXT;

-- CreateTable
CREATE TABLE "AutoApprovalPolicy" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "workspaceId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "groupIdsJson" TEXT NOT NULL DEFAULT '[]',
    "productsJson" TEXT NOT NULL DEFAULT '[]',
    "maxAmountMicros" BIGINT NOT NULL,
    "maxPerPeriod" INTEGER NOT NULL,
    "forecastCeilingMicros" BIGINT,
    "maxDays" INTEGER NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdById" TEXT,
    "updatedById" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "AutoApprovalPolicy_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "AutoApprovalPolicy_workspaceId_enabled_idx" ON "AutoApprovalPolicy"("workspaceId", "enabled");

-- CreateIndex
CREATE INDEX "CreditRequest_autoPolicyId_requesterId_idx" ON "CreditRequest"("autoPolicyId", "requesterId");
