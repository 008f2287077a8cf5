-- AlterTable
ALTER TABLE "AlertChannel" ADD COLUMN     "settingsJson" TEXT NOT NULL DEFAULT '{}';
