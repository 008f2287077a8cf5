-- CreateTable
CREATE TABLE "OutcomeDaily" (
    "workspaceId" TEXT NOT NULL,
    "connectionId" TEXT NOT NULL,
    "day" TEXT NOT NULL,
    "identityProvider" TEXT NOT NULL,
    "identityKind" TEXT NOT NULL,
    "identityExternalId" TEXT NOT NULL,
    "product" TEXT NOT NULL,
    "source" TEXT NOT NULL DEFAULT '',
    "sessions" INTEGER NOT NULL DEFAULT 0,
    "linesAdded" INTEGER NOT NULL DEFAULT 0,
    "linesRemoved" INTEGER NOT NULL DEFAULT 0,
    "commits" INTEGER NOT NULL DEFAULT 0,
    "pullRequests" INTEGER NOT NULL DEFAULT 0,
    "lastRunId" TEXT NOT NULL DEFAULT '',

    PRIMARY KEY ("connectionId", "day", "identityProvider", "identityKind", "identityExternalId", "product", "source"),
    CONSTRAINT "OutcomeDaily_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "OutcomeDaily_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "Connection" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "OutcomeDaily_workspaceId_day_idx" ON "OutcomeDaily"("workspaceId", "day");
