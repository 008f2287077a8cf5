/**
 * The demo's automation: the CI workspace's API keys named as service accounts, each owned by
 * one of its people, and a limit on the one that runs hottest — set through the same domain
 * functions as the People and Limits screens (addServiceAccount, createPolicy), as the
 * workspace's owner, so every row has its audit event.
 */
import "server-only";

import { loadActor, type Actor } from "../auth/actor";
import { unmappedIdentities } from "../connections/identity-mapping";
import { createPolicySchema } from "../limits/policy-input";
import { createPolicy } from "../limits/write-policy";
import { isAutomationKind } from "../people/automation";
import { addServiceAccountSchema } from "../people/fields";
import { addServiceAccount } from "../people/service-accounts";
import type { Db } from "../server/db";

export interface DemoServiceAccount {
  name: string;
  /** the simulator's key id (reported under both OpenAI and Anthropic) */
  key: string;
  ownerEmail: string;
  costCenter?: string;
  /** an override on it, in the budget unit (also what the e2e spec asserts) */
  limit?: { amount: string; note: string };
}

export const DEMO_CI_SERVICE_ACCOUNTS: readonly DemoServiceAccount[] = [
  {
    name: "CI pipeline",
    key: "key_ci_pipeline",
    ownerEmail: "ci-admin@acme.example",
    costCenter: "ENG-CI",
  },
  {
    name: "Nightly evals",
    key: "key_nightly_evals",
    ownerEmail: "ci-owner@acme.example",
    costCenter: "ENG-CI",
    limit: { amount: "3000", note: "eval runs capped while the new suite is tuned" },
  },
  {
    name: "Release bot",
    key: "key_release_bot",
    ownerEmail: "ci-admin@acme.example",
    costCenter: "ENG-REL",
  },
];

async function actorByEmail(db: Db, workspaceId: string, email: string): Promise<Actor> {
  const m = await db.member.findFirst({ where: { workspaceId, email }, select: { id: true } });
  const actor = m ? await loadActor(db, m.id) : null;
  if (!actor) throw new Error(`demo automation: no active member ${email}`);
  return actor;
}

/**
 * Names the keys once: a workspace that has a service account already is left as it is (the
 * quick start runs the seed on every start). Returns null when it did nothing.
 */
export async function seedServiceAccounts(
  db: Db,
  workspaceId: string,
  accounts: readonly DemoServiceAccount[],
  ownerEmail: string,
  now: Date,
): Promise<{ services: number; limits: number } | null> {
  if (await db.member.count({ where: { workspaceId, kind: "SERVICE" } })) return null;
  const owner = await actorByEmail(db, workspaceId, ownerEmail);
  const unmapped = (await unmappedIdentities(db, workspaceId)).filter((u) =>
    isAutomationKind(u.kind),
  );
  let limits = 0;
  for (const a of accounts) {
    const account = await addServiceAccount(
      db,
      owner,
      addServiceAccountSchema.parse({
        name: a.name,
        ownerId: (await actorByEmail(db, workspaceId, a.ownerEmail)).memberId,
        costCenter: a.costCenter,
        identities: unmapped
          .filter((u) => u.externalId === a.key)
          .map((u) => ({ identityProvider: u.identityProvider, identityKey: u.identityKey })),
      }),
    );
    if (a.limit) {
      await createPolicy(
        db,
        owner,
        createPolicySchema.parse({
          scope: "MEMBER",
          memberId: account.id,
          product: "",
          amount: a.limit.amount,
          softThresholdPct: 80,
          action: "BLOCK",
          note: a.limit.note,
        }),
        now,
      );
      limits++;
    }
  }
  return { services: accounts.length, limits };
}
