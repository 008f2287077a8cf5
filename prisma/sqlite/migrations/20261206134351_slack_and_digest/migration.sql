-- CreateTable
CREATE TABLE "SlackSetting" (
    "workspaceId" TEXT NOT NULL PRIMARY KEY,
    "mode" TEXT NOT NULL,
    "postUrl" TEXT NOT NULL,
    "channel" TEXT,
    "botTokenSealed" TEXT NOT NULL,
    "signingSecretSealed" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "updatedById" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "SlackSetting_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "SlackPost" (
    "requestId" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "workspaceId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "channel" TEXT,
    "ts" TEXT,
    "lastError" TEXT,
    "createdAt" DATETIME NOT NULL,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "SlackPost_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "SlackPost_requestId_fkey" FOREIGN KEY ("requestId") REFERENCES "CreditRequest" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "SlackReceipt" (
    "signature" TEXT NOT NULL PRIMARY KEY,
    "workspaceId" TEXT NOT NULL,
    "receivedAt" DATETIME NOT NULL,
    CONSTRAINT "SlackReceipt_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "DigestSetting" (
    "workspaceId" TEXT NOT NULL PRIMARY KEY,
    "enabled" BOOLEAN NOT NULL DEFAULT false,
    "emailChannelId" TEXT,
    "webhookChannelId" TEXT,
    "updatedById" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "DigestSetting_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "SlackPost_workspaceId_status_idx" ON "SlackPost"("workspaceId", "status");

-- CreateIndex
CREATE INDEX "SlackReceipt_receivedAt_idx" ON "SlackReceipt"("receivedAt");
