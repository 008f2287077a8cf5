-- AlterTable
ALTER TABLE "Workspace" ADD COLUMN     "onboardingDismissedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "Connection" ADD COLUMN     "archivedAt" TIMESTAMP(3);
