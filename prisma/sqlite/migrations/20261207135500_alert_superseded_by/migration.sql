-- An alert closed because a higher one for the same subject superseded it names that alert
ALTER TABLE "Alert" ADD COLUMN "supersededById" TEXT;
