/** The demo seed (lib/demo/seed-demo.ts) run on one tenant at the tests' today. */
import { seedDemo, type DemoTenant } from "@/lib/demo/seed-demo";
import type { Db } from "@/lib/server/db";

import { TEST_NOW } from "./clock";

/**
 * Seeds `tenant` at TEST_NOW (`governance: false` seeds usage only); returns its workspace, the
 * seed's log lines, and `again()`, which seeds it once more into the same log.
 */
export async function seededDemoTenant(
  db: Db,
  tenant: DemoTenant,
  opts: { governance?: boolean } = {},
) {
  const log: string[] = [];
  const again = () =>
    seedDemo({ db, now: TEST_NOW, tenants: [tenant], log: (l) => log.push(l), ...opts });
  await again();
  const ws = await db.workspace.findUniqueOrThrow({ where: { slug: tenant.slug } });
  return { ws, log, again };
}
