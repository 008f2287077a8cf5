/**
 * Creates the demo tenants and fills them through the real ingestion path (simulator
 * adapter → sync engine). Safe to run again: existing workspaces are reused and only
 * the days since the last sync are fetched.
 */
import { writeAudit } from "../audit/audit";
import { addDays, toDayKey } from "../core/period";
import {
  simulatorAdapter,
  simulatorConfigSchema,
  type SimulatorConfig,
} from "../ingest/adapters/simulator";
import { runSync, type SyncResult } from "../ingest/sync";
import type { Db } from "../server/db";
import {
  DEMO_CI_SERVICE_ACCOUNTS,
  seedServiceAccounts,
  type DemoServiceAccount,
} from "./automation";
import { seedGovernance } from "./governance";
import { seedDemoOutcomes } from "./outcomes";

export interface DemoTenant {
  slug: string;
  name: string;
  config: Omit<SimulatorConfig, "endDay">;
  days: number;
  /** people who can sign in although the simulator's traffic is automation only */
  staff?: { email: string; name: string; role: "OWNER" | "ADMIN" | "FINANCE" | "MEMBER" }[];
  /** gets the demo's limits, requests and alerts (lib/demo/governance.ts) */
  governed?: boolean;
  /** its API keys named as service accounts with owners (lib/demo/automation.ts), set up by… */
  services?: { accounts: readonly DemoServiceAccount[]; by: string };
}

export const DEMO_TENANTS: DemoTenant[] = [
  {
    slug: "acme-engineering",
    name: "Acme Engineering",
    days: 120,
    governed: true,
    config: {
      seed: 42,
      domain: "acme.example",
      members: 400,
      groups: 15,
      usdPerCreditMicros: 40_000n,
      demoPeople: true,
      automationOnly: false,
    },
  },
  {
    slug: "acme-ci",
    name: "Acme CI",
    days: 120,
    config: {
      seed: 7,
      domain: "ci.acme.example",
      members: 0,
      groups: 1,
      usdPerCreditMicros: 40_000n,
      demoPeople: false,
      automationOnly: true,
    },
    staff: [
      { email: "ci-owner@acme.example", name: "Cora CI-Owner", role: "OWNER" },
      { email: "ci-admin@acme.example", name: "Cal CI-Admin", role: "ADMIN" },
    ],
    services: { accounts: DEMO_CI_SERVICE_ACCOUNTS, by: "ci-owner@acme.example" },
  },
];

export interface SeedOptions {
  db: Db;
  now?: Date;
  tenants?: DemoTenant[];
  /**
   * false: usage only — no limits, requests, alerts or named service accounts (the main e2e
   * suite's journeys set their own up)
   */
  governance?: boolean;
  log?: (line: string) => void;
}

export async function seedDemo(opts: SeedOptions): Promise<Record<string, SyncResult>> {
  const today = toDayKey(opts.now ?? new Date());
  const results: Record<string, SyncResult> = {};
  for (const tenant of opts.tenants ?? DEMO_TENANTS) {
    const { db } = opts;
    let workspace = await db.workspace.findUnique({ where: { slug: tenant.slug } });
    if (!workspace) {
      workspace = await db.workspace.create({
        data: {
          slug: tenant.slug,
          name: tenant.name,
          usdPerCreditMicros: tenant.config.usdPerCreditMicros,
        },
      });
    }
    for (const s of tenant.staff ?? []) {
      await db.member.upsert({
        where: { workspaceId_email: { workspaceId: workspace.id, email: s.email } },
        create: { workspaceId: workspace.id, email: s.email, name: s.name, role: s.role },
        update: {},
      });
    }
    let connection = await db.connection.findUnique({
      where: { workspaceId_name: { workspaceId: workspace.id, name: "Demo simulator" } },
    });
    if (!connection) {
      const config = simulatorConfigSchema.parse({ ...tenant.config, endDay: today });
      const created = await db.$transaction(async (tx) => {
        const c = await tx.connection.create({
          data: {
            workspaceId: workspace.id,
            kind: "simulator",
            name: "Demo simulator",
            configJson: JSON.stringify({
              ...config,
              usdPerCreditMicros: config.usdPerCreditMicros.toString(),
            }),
            backfillFrom: addDays(today, -(tenant.days - 1)),
            scheduleMinutes: 60,
            // just synced by this seed: the scheduler's first pass is an hour from now
            nextSyncAt: new Date((opts.now ?? new Date()).getTime() + 60 * 60_000),
          },
        });
        await writeAudit(tx, {
          workspaceId: workspace.id,
          actor: { memberId: null, label: "seed" },
          action: "connection.create",
          targetType: "connection",
          targetId: c.id,
          after: { kind: c.kind, name: c.name },
        });
        return c;
      });
      connection = created;
    }
    const config = simulatorConfigSchema.parse(JSON.parse(connection.configJson));
    const start = connection.syncedThrough
      ? addDays(connection.syncedThrough, -2)
      : (connection.backfillFrom ?? addDays(today, -(tenant.days - 1)));
    const started = Date.now();
    const result = await runSync({
      db,
      connectionId: connection.id,
      adapter: simulatorAdapter(config),
      window: { start, end: today },
      trigger: "seed",
      actor: { memberId: null, label: "seed" },
    });
    if (result.status === "FAILED")
      throw new Error(`seeding ${tenant.slug} failed: ${result.error}`);
    opts.log?.(
      `${tenant.slug}: ${result.rowsRead} rows read, ${result.rowsInserted} inserted, ${result.rowsUpdated} updated, ${result.rowsUnchanged} unchanged in ${Date.now() - started} ms`,
    );
    results[tenant.slug] = result;
    await seedDemoOutcomes(
      db,
      { workspaceId: workspace.id, connectionId: connection.id, runId: result.runId },
      { start, end: today },
    );
    if (tenant.services && opts.governance !== false) {
      const s = await seedServiceAccounts(
        db,
        workspace.id,
        tenant.services.accounts,
        tenant.services.by,
        opts.now ?? new Date(),
      );
      opts.log?.(
        s
          ? `${tenant.slug}: ${s.services} service accounts, ${s.limits} with a limit`
          : `${tenant.slug}: service accounts already named, left as they are`,
      );
    }
    if (tenant.governed && opts.governance !== false) {
      const g = await seedGovernance(db, workspace.id, opts.now ?? new Date());
      opts.log?.(
        g
          ? `${tenant.slug}: governance — ${g.policies} limits, ${g.requests.pending} pending and ${g.requests.approved + g.requests.denied} decided requests, ${g.alerts} alerts`
          : `${tenant.slug}: governance already set up, left as it is`,
      );
    }
  }
  return results;
}
