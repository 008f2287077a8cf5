-- AlterTable
ALTER TABLE "Workspace" ADD COLUMN     "configVersion" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "usageVersion" INTEGER NOT NULL DEFAULT 0;
