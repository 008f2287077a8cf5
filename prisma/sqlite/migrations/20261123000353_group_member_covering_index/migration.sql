-- DropIndex
DROP INDEX "GroupMember_memberId_idx";

-- CreateIndex
CREATE INDEX "GroupMember_memberId_groupId_idx" ON "GroupMember"("memberId", "groupId");
