-- AlterTable
ALTER TABLE "VendorConnector" ADD COLUMN "unmatchedJson" TEXT;

-- AlterTable
ALTER TABLE "VendorJob" ADD COLUMN "acknowledgedAt" DATETIME;
ALTER TABLE "VendorJob" ADD COLUMN "acknowledgedBy" TEXT;

-- AlterTable
ALTER TABLE "VendorLimitState" ADD COLUMN "spendMicros" BIGINT;

-- CreateTable
CREATE TABLE "VendorGroupLink" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "workspaceId" TEXT NOT NULL,
    "connectorId" TEXT NOT NULL,
    "vendorGroupId" TEXT NOT NULL,
    "vendorGroupName" TEXT NOT NULL,
    "groupId" TEXT,
    "status" TEXT NOT NULL DEFAULT 'not_mirrored',
    "note" TEXT,
    "defaultMicros" BIGINT,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "VendorGroupLink_connectorId_fkey" FOREIGN KEY ("connectorId") REFERENCES "VendorConnector" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_EnforcementSetting" (
    "workspaceId" TEXT NOT NULL PRIMARY KEY,
    "paused" BOOLEAN NOT NULL DEFAULT false,
    "splitRule" TEXT NOT NULL DEFAULT 'proportional',
    "splitVendor" TEXT,
    "updatedBy" TEXT,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "EnforcementSetting_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_EnforcementSetting" ("paused", "updatedAt", "updatedBy", "workspaceId") SELECT "paused", "updatedAt", "updatedBy", "workspaceId" FROM "EnforcementSetting";
DROP TABLE "EnforcementSetting";
ALTER TABLE "new_EnforcementSetting" RENAME TO "EnforcementSetting";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "VendorGroupLink_workspaceId_idx" ON "VendorGroupLink"("workspaceId");

-- CreateIndex
CREATE UNIQUE INDEX "VendorGroupLink_connectorId_vendorGroupId_key" ON "VendorGroupLink"("connectorId", "vendorGroupId");
