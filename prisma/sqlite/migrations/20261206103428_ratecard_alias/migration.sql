-- AlterTable
ALTER TABLE "RateCardEntry" ADD COLUMN "aliasOf" TEXT;
