-- AlterTable
ALTER TABLE "VendorConnector" ADD COLUMN     "unmatchedJson" TEXT;

-- AlterTable
ALTER TABLE "EnforcementSetting" ADD COLUMN     "splitRule" TEXT NOT NULL DEFAULT 'proportional',
ADD COLUMN     "splitVendor" TEXT;

-- AlterTable
ALTER TABLE "VendorJob" ADD COLUMN     "acknowledgedAt" TIMESTAMP(3),
ADD COLUMN     "acknowledgedBy" TEXT;

-- AlterTable
ALTER TABLE "VendorLimitState" ADD COLUMN     "spendMicros" BIGINT;

-- CreateTable
CREATE TABLE "VendorGroupLink" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "connectorId" TEXT NOT NULL,
    "vendorGroupId" TEXT NOT NULL,
    "vendorGroupName" TEXT NOT NULL,
    "groupId" TEXT,
    "status" TEXT NOT NULL DEFAULT 'not_mirrored',
    "note" TEXT,
    "defaultMicros" BIGINT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "VendorGroupLink_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "VendorGroupLink_workspaceId_idx" ON "VendorGroupLink"("workspaceId");

-- CreateIndex
CREATE UNIQUE INDEX "VendorGroupLink_connectorId_vendorGroupId_key" ON "VendorGroupLink"("connectorId", "vendorGroupId");

-- AddForeignKey
ALTER TABLE "VendorGroupLink" ADD CONSTRAINT "VendorGroupLink_connectorId_fkey" FOREIGN KEY ("connectorId") REFERENCES "VendorConnector"("id") ON DELETE CASCADE ON UPDATE CASCADE;
