-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Workspace" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "budgetUnit" TEXT NOT NULL DEFAULT 'CREDITS',
    "usdPerCreditMicros" BIGINT NOT NULL DEFAULT 40000,
    "timezone" TEXT NOT NULL DEFAULT 'UTC',
    "budgetPeriod" TEXT NOT NULL DEFAULT 'MONTHLY',
    "configVersion" INTEGER NOT NULL DEFAULT 0,
    "usageVersion" INTEGER NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Workspace" ("budgetPeriod", "budgetUnit", "createdAt", "id", "name", "slug", "timezone", "updatedAt", "usdPerCreditMicros") SELECT "budgetPeriod", "budgetUnit", "createdAt", "id", "name", "slug", "timezone", "updatedAt", "usdPerCreditMicros" FROM "Workspace";
DROP TABLE "Workspace";
ALTER TABLE "new_Workspace" RENAME TO "Workspace";
CREATE UNIQUE INDEX "Workspace_slug_key" ON "Workspace"("slug");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
