-- CreateEnum
CREATE TYPE "MemberKind" AS ENUM ('PERSON', 'SERVICE');

-- AlterTable
ALTER TABLE "Member" ADD COLUMN     "kind" "MemberKind" NOT NULL DEFAULT 'PERSON',
ADD COLUMN     "ownerId" TEXT;

-- CreateIndex
CREATE INDEX "Member_ownerId_idx" ON "Member"("ownerId");

-- AddForeignKey
ALTER TABLE "Member" ADD CONSTRAINT "Member_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "Member"("id") ON DELETE SET NULL ON UPDATE CASCADE;
