-- AlterEnum: the Codex Analytics API connection (SQLite stores kinds as text: no migration there)
ALTER TYPE "ConnectionKind" ADD VALUE 'codex';
