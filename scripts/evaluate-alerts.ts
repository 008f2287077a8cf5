/**
 * Cron / CLI entry for alerts: evaluates every workspace (or one, --workspace <slug>) at
 * the app's clock and prints one JSON line per workspace.
 *   npm run alerts:evaluate [-- --workspace <slug>]
 */
import "dotenv/config";

import { parseArgs } from "node:util";

import { evaluateAlerts } from "../lib/alerts/evaluate";
import { now } from "../lib/server/clock";
import { dbReady } from "../lib/server/db";

const { values } = parseArgs({ options: { workspace: { type: "string" } }, strict: true });
const db = await dbReady();
const workspaces = await db.workspace.findMany({
  where: values.workspace ? { slug: values.workspace } : {},
  select: { id: true, slug: true },
});
if (values.workspace && workspaces.length === 0) {
  process.stderr.write(`no workspace with slug "${values.workspace}"\n`);
  process.exit(1);
}
let failed = false;
for (const ws of workspaces) {
  try {
    const result = await evaluateAlerts(db, ws.id, now());
    process.stdout.write(JSON.stringify({ workspace: ws.slug, ...result }) + "\n");
  } catch (error) {
    failed = true;
    process.stderr.write(
      `${ws.slug}: ${error instanceof Error ? error.message : "evaluation failed"}\n`,
    );
  }
}
await db.$disconnect();
process.exit(failed ? 1 : 0);
