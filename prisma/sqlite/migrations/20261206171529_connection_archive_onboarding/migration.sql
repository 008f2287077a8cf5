-- AlterTable
ALTER TABLE "Workspace" ADD COLUMN "onboardingDismissedAt" DATETIME;

-- AlterTable
ALTER TABLE "Connection" ADD COLUMN "archivedAt" DATETIME;
