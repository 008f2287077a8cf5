-- CreateTable
CREATE TABLE "VendorConnector" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "workspaceId" TEXT NOT NULL,
    "vendor" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "baseUrl" TEXT NOT NULL,
    "vendorWorkspaceId" TEXT,
    "encryptedKey" TEXT NOT NULL,
    "keyHint" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT false,
    "readOnly" BOOLEAN NOT NULL DEFAULT false,
    "vendorUnit" TEXT,
    "connectionId" TEXT,
    "blockedUntil" DATETIME,
    "lastReadAt" DATETIME,
    "lastRequestSyncAt" DATETIME,
    "lastError" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "VendorConnector_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "EnforcementSetting" (
    "workspaceId" TEXT NOT NULL PRIMARY KEY,
    "paused" BOOLEAN NOT NULL DEFAULT false,
    "updatedBy" TEXT,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "EnforcementSetting_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "VendorPlan" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "workspaceId" TEXT NOT NULL,
    "connectorId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'PREVIEW',
    "itemsJson" TEXT NOT NULL,
    "createdBy" TEXT NOT NULL,
    "appliedBy" TEXT,
    "appliedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "VendorPlan_connectorId_fkey" FOREIGN KEY ("connectorId") REFERENCES "VendorConnector" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "VendorJob" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "workspaceId" TEXT NOT NULL,
    "connectorId" TEXT NOT NULL,
    "planId" TEXT,
    "kind" TEXT NOT NULL,
    "memberId" TEXT,
    "vendorUserId" TEXT,
    "payloadJson" TEXT NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'PENDING',
    "reason" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "maxAttempts" INTEGER NOT NULL DEFAULT 6,
    "nextAttemptAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "leaseHolder" TEXT,
    "leaseExpiresAt" DATETIME,
    "lastError" TEXT,
    "responseJson" TEXT,
    "createdBy" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "finishedAt" DATETIME,
    CONSTRAINT "VendorJob_connectorId_fkey" FOREIGN KEY ("connectorId") REFERENCES "VendorConnector" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "VendorLimitState" (
    "connectorId" TEXT NOT NULL,
    "memberId" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "vendorUserId" TEXT NOT NULL,
    "effectiveMicros" BIGINT,
    "effectiveSource" TEXT NOT NULL,
    "hasOverride" BOOLEAN NOT NULL DEFAULT false,
    "overrideMicros" BIGINT,
    "overrideId" TEXT,
    "inheritedKnown" BOOLEAN NOT NULL DEFAULT false,
    "inheritedMicros" BIGINT,
    "lastAppliedKind" TEXT,
    "lastAppliedMicros" BIGINT,
    "lastAppliedAt" DATETIME,
    "revertAt" DATETIME,
    "readAt" DATETIME NOT NULL,

    PRIMARY KEY ("connectorId", "memberId"),
    CONSTRAINT "VendorLimitState_connectorId_fkey" FOREIGN KEY ("connectorId") REFERENCES "VendorConnector" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "VendorRequestLink" (
    "requestId" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "connectorId" TEXT NOT NULL,
    "externalId" TEXT NOT NULL,
    "vendorStatus" TEXT NOT NULL,
    "vendorResolvedAt" DATETIME,
    "vendorResolvedBy" TEXT,
    "pushState" TEXT NOT NULL DEFAULT 'none',
    "message" TEXT,
    "spendJson" TEXT,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "VendorRequestLink_connectorId_fkey" FOREIGN KEY ("connectorId") REFERENCES "VendorConnector" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "VendorConnector_workspaceId_vendor_key" ON "VendorConnector"("workspaceId", "vendor");

-- CreateIndex
CREATE INDEX "VendorPlan_connectorId_createdAt_idx" ON "VendorPlan"("connectorId", "createdAt");

-- CreateIndex
CREATE INDEX "VendorJob_status_nextAttemptAt_idx" ON "VendorJob"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "VendorJob_workspaceId_createdAt_idx" ON "VendorJob"("workspaceId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "VendorJob_connectorId_idempotencyKey_key" ON "VendorJob"("connectorId", "idempotencyKey");

-- CreateIndex
CREATE INDEX "VendorLimitState_workspaceId_idx" ON "VendorLimitState"("workspaceId");

-- CreateIndex
CREATE UNIQUE INDEX "VendorRequestLink_connectorId_externalId_key" ON "VendorRequestLink"("connectorId", "externalId");
