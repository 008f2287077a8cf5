/** Fills the database with the demo tenants through the simulator, and their governance (idempotent). */
import "dotenv/config";

import { seedDemo } from "../lib/demo/seed-demo";
import { now } from "../lib/server/clock";
import { dbReady } from "../lib/server/db";
import { env } from "../lib/server/env";

const db = await dbReady();
await seedDemo({
  db,
  now: now(),
  // the main e2e suite seeds without the demo's governance (its journeys set their own up)
  governance: env().ALLOTMENT_SEED_GOVERNANCE === "1",
  log: (l) => console.error(`[seed] ${l}`),
});
await db.$disconnect();
process.exit(0);
