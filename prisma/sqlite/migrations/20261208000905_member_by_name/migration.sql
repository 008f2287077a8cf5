-- CreateIndex
CREATE INDEX "Member_workspaceId_active_name_id_email_idx" ON "Member"("workspaceId", "active", "name", "id", "email");
