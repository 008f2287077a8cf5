-- CreateTable
CREATE TABLE "SlackSetting" (
    "workspaceId" TEXT NOT NULL,
    "mode" TEXT NOT NULL,
    "postUrl" TEXT NOT NULL,
    "channel" TEXT,
    "botTokenSealed" TEXT NOT NULL,
    "signingSecretSealed" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "updatedById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SlackSetting_pkey" PRIMARY KEY ("workspaceId")
);

-- CreateTable
CREATE TABLE "SlackPost" (
    "requestId" INTEGER NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "channel" TEXT,
    "ts" TEXT,
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SlackPost_pkey" PRIMARY KEY ("requestId")
);

-- CreateTable
CREATE TABLE "SlackReceipt" (
    "signature" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SlackReceipt_pkey" PRIMARY KEY ("signature")
);

-- CreateTable
CREATE TABLE "DigestSetting" (
    "workspaceId" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT false,
    "emailChannelId" TEXT,
    "webhookChannelId" TEXT,
    "updatedById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "DigestSetting_pkey" PRIMARY KEY ("workspaceId")
);

-- CreateIndex
CREATE INDEX "SlackPost_workspaceId_status_idx" ON "SlackPost"("workspaceId", "status");

-- CreateIndex
CREATE INDEX "SlackReceipt_receivedAt_idx" ON "SlackReceipt"("receivedAt");

-- AddForeignKey
ALTER TABLE "SlackSetting" ADD CONSTRAINT "SlackSetting_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SlackPost" ADD CONSTRAINT "SlackPost_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SlackPost" ADD CONSTRAINT "SlackPost_requestId_fkey" FOREIGN KEY ("requestId") REFERENCES "CreditRequest"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SlackReceipt" ADD CONSTRAINT "SlackReceipt_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DigestSetting" ADD CONSTRAINT "DigestSetting_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;
