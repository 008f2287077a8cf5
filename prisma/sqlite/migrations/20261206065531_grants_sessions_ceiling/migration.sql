-- AlterTable
ALTER TABLE "Workspace" ADD COLUMN "managerGrantCeilingMicros" BIGINT;

-- CreateTable
CREATE TABLE "AuthSession" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "memberId" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" DATETIME NOT NULL,
    "revokedAt" DATETIME
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_LimitPolicy" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "workspaceId" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "groupId" TEXT,
    "memberId" TEXT,
    "product" TEXT NOT NULL DEFAULT '',
    "amountMicros" BIGINT,
    "poolCapMicros" BIGINT,
    "softThresholdPct" INTEGER NOT NULL DEFAULT 80,
    "action" TEXT NOT NULL DEFAULT 'BLOCK',
    "startsAt" DATETIME,
    "expiresAt" DATETIME,
    "note" TEXT,
    "sourceRequestId" INTEGER,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdById" TEXT,
    "updatedById" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "target" TEXT NOT NULL,
    "slot" TEXT NOT NULL DEFAULT '',
    CONSTRAINT "LimitPolicy_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "LimitPolicy_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "Group" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "LimitPolicy_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_LimitPolicy" ("action", "amountMicros", "createdAt", "createdById", "expiresAt", "groupId", "id", "memberId", "note", "poolCapMicros", "product", "scope", "softThresholdPct", "sourceRequestId", "startsAt", "target", "updatedAt", "updatedById", "version", "workspaceId") SELECT "action", "amountMicros", "createdAt", "createdById", "expiresAt", "groupId", "id", "memberId", "note", "poolCapMicros", "product", "scope", "softThresholdPct", "sourceRequestId", "startsAt", "target", "updatedAt", "updatedById", "version", "workspaceId" FROM "LimitPolicy";
DROP TABLE "LimitPolicy";
ALTER TABLE "new_LimitPolicy" RENAME TO "LimitPolicy";
CREATE INDEX "LimitPolicy_workspaceId_target_product_idx" ON "LimitPolicy"("workspaceId", "target", "product");
CREATE INDEX "LimitPolicy_workspaceId_scope_idx" ON "LimitPolicy"("workspaceId", "scope");
CREATE UNIQUE INDEX "LimitPolicy_workspaceId_target_product_slot_key" ON "LimitPolicy"("workspaceId", "target", "product", "slot");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "AuthSession_memberId_idx" ON "AuthSession"("memberId");

-- CreateIndex
CREATE INDEX "AuthSession_expiresAt_idx" ON "AuthSession"("expiresAt");
