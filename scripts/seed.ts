/** Fills the database with the demo tenants through the simulator (idempotent). */
import "dotenv/config";

import { now } from "../lib/clock";
import { dbReady } from "../lib/db";
import { seedDemo } from "../lib/demo/seed-demo";

const db = await dbReady();
await seedDemo({
  db,
  now: now(),
  log: (l) => console.error(`[seed] ${l}`),
});
await db.$disconnect();
process.exit(0);
