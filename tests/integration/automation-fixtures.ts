/** The automation tests' starting point: a workspace of keys only (the demo's Acme CI). */
import { expect } from "vitest";

import { unmappedIdentities } from "@/lib/connections/identity-mapping";
import { addDays } from "@/lib/core/period";
import { simulatorAdapter, simulatorConfigSchema } from "@/lib/ingest/adapters/simulator";
import { runSync } from "@/lib/ingest/sync";
import { addServiceAccountSchema } from "@/lib/people/fields";
import { addServiceAccount } from "@/lib/people/service-accounts";
import type { Db } from "@/lib/server/db";

import { TEST_TODAY } from "../helpers/clock";
import { makeMember, makeWorkspace } from "../helpers/db";
import { actorOf } from "./limits-fixtures";

/** A workspace whose only traffic is the simulator's automation keys (the demo's Acme CI). */
export async function automationWorkspace(db: Db) {
  const ws = await makeWorkspace(db, { usdPerCreditMicros: 40_000n });
  const [owner, admin, dev] = await Promise.all([
    makeMember(db, ws.id, { role: "OWNER", name: "Cora Owner" }),
    makeMember(db, ws.id, { role: "ADMIN", name: "Cal Admin" }),
    makeMember(db, ws.id, { role: "MEMBER", name: "Dev One" }),
  ]);
  const config = simulatorConfigSchema.parse({
    seed: 7,
    domain: `${ws.slug}.example`,
    members: 0,
    groups: 1,
    endDay: TEST_TODAY,
    demoPeople: false,
    automationOnly: true,
  });
  const connection = await db.connection.create({
    data: { workspaceId: ws.id, kind: "simulator", name: "sim", configJson: "{}" },
  });
  const sync = await runSync({
    db,
    connectionId: connection.id,
    adapter: simulatorAdapter(config),
    window: { start: addDays(TEST_TODAY, -20), end: TEST_TODAY },
    trigger: "manual",
    actor: { memberId: null, label: "test" },
  });
  expect(sync.status).toBe("SUCCEEDED");
  const group = await db.group.create({
    data: { workspaceId: ws.id, name: "Automation", costCenter: "CC-CI" },
  });
  return {
    ws,
    connection,
    group,
    owner: actorOf(owner),
    admin: actorOf(admin),
    dev: actorOf(dev),
  };
}

type Automation = Awaited<ReturnType<typeof automationWorkspace>>;

/** The simulator's nightly-evals key, unmapped: reported under OpenAI and Anthropic. */
export async function nightlyEvalsKeys(db: Db, f: Automation) {
  return (await unmappedIdentities(db, f.ws.id)).filter(
    (u) => u.externalId === "key_nightly_evals",
  );
}

/** The admin names these keys as the service account "Nightly evals", owned by Dev One. */
export function addNightlyEvals(
  db: Db,
  f: Automation,
  keys: { identityProvider: string; identityKey: string }[],
  groupIds?: string[],
) {
  return addServiceAccount(
    db,
    f.admin,
    addServiceAccountSchema.parse({
      name: "Nightly evals",
      ownerId: f.dev.memberId,
      groupIds,
      identities: keys.map((k) => ({
        identityProvider: k.identityProvider,
        identityKey: k.identityKey,
      })),
    }),
  );
}
