/** A small simulator connection in a fresh workspace, for tests that need real usage rows. */
import { simulatorAdapter, simulatorConfigSchema } from "@/lib/ingest/adapters/simulator";
import { runSync } from "@/lib/ingest/sync";
import type { Db } from "@/lib/server/db";

import { makeWorkspace } from "./db";

export async function simulatedWorkspace(
  db: Db,
  opts: { members?: number; endDay?: string; seed?: number } = {},
) {
  const workspace = await makeWorkspace(db);
  const config = simulatorConfigSchema.parse({
    seed: opts.seed ?? 11,
    domain: `${workspace.slug}.example`,
    members: opts.members ?? 25,
    groups: 4,
    endDay: opts.endDay ?? "2026-11-22",
    demoPeople: true,
  });
  const connection = await db.connection.create({
    data: {
      workspaceId: workspace.id,
      kind: "simulator",
      name: "sim",
      configJson: JSON.stringify({
        ...config,
        usdPerCreditMicros: config.usdPerCreditMicros.toString(),
      }),
    },
  });
  return { workspace, connection, config, adapter: simulatorAdapter(config) };
}

/** simulatedWorkspace with `window`'s usage synced through the real sync path. */
export async function syncedSimulatedWorkspace(
  db: Db,
  opts: Parameters<typeof simulatedWorkspace>[1],
  window: { start: string; end: string },
) {
  const sim = await simulatedWorkspace(db, opts);
  const res = await runSync({ db, connectionId: sim.connection.id, adapter: sim.adapter, window });
  if (res.status !== "SUCCEEDED") throw new Error(`simulator sync ${res.status}`);
  return sim;
}
