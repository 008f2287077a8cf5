/** A client for the test database, and a fresh workspace per test so tests never share rows. */
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import type { Actor } from "@/lib/auth/actor";
import { createDb, engineOf, prepareDb, type Db } from "@/lib/server/db";

let client: Db | undefined;

export function testDatabaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set (global setup did not run?)");
  return url;
}

export async function testDb(): Promise<Db> {
  if (!client) {
    client = createDb(testDatabaseUrl());
    await prepareDb(client);
  }
  return client;
}

/**
 * A database of its own, freshly migrated, for a test whose subject walks every workspace
 * (the scheduler pass): on the shared test database its cost would grow with every test
 * file that ran before it. SQLite: a new file; PostgreSQL: a new database on the same server.
 */
export async function isolatedDb(): Promise<{ db: Db; url: string; close: () => Promise<void> }> {
  const shared = testDatabaseUrl();
  let url: string;
  if (shared.startsWith("file:")) {
    url = `file:${path.join(fs.mkdtempSync(path.join(os.tmpdir(), "allotment-iso-")), "iso.db")}`;
  } else {
    const name = `allotment_iso_${randomUUID().replace(/-/g, "").slice(0, 12)}`;
    const admin = await testDb();
    await admin.$executeRawUnsafe(`CREATE DATABASE "${name}"`);
    const u = new URL(shared);
    u.pathname = `/${name}`;
    url = u.toString();
  }
  execFileSync(process.execPath, ["scripts/db.mjs", "deploy"], {
    env: { ...process.env, DATABASE_URL: url },
    stdio: "ignore",
  });
  const db = createDb(url);
  await prepareDb(db);
  return { db, url, close: () => db.$disconnect() };
}

/** The test database's SQL dialect, asked of its client as the app does (lib/server/db.ts engineOf). */
export function testEngine() {
  if (!client) throw new Error("testEngine: call testDb() first");
  return engineOf(client);
}

export async function makeWorkspace(
  db: Db,
  overrides: {
    budgetUnit?: "CREDITS" | "USD";
    timezone?: string;
    usdPerCreditMicros?: bigint;
  } = {},
) {
  const slug = `t-${randomUUID().slice(0, 8)}`;
  return db.workspace.create({ data: { slug, name: `Test ${slug}`, ...overrides } });
}

export async function makeMember(
  db: Db,
  workspaceId: string,
  data: {
    email?: string;
    name?: string;
    role?: "OWNER" | "ADMIN" | "FINANCE" | "MEMBER";
    costCenter?: string;
  } = {},
) {
  const email = data.email ?? `${randomUUID().slice(0, 8)}@example.test`;
  return db.member.create({
    data: {
      workspaceId,
      email,
      name: data.name ?? email.split("@")[0]!,
      role: data.role ?? "MEMBER",
      costCenter: data.costCenter ?? null,
    },
  });
}

/** A fresh workspace with one admin, and that admin as the server would see them (alerts and channel tests). */
export async function workspaceWithAdmin(db: Db) {
  const workspace = await makeWorkspace(db);
  const admin = await makeMember(db, workspace.id, { role: "ADMIN" });
  const actor: Actor = {
    memberId: admin.id,
    workspaceId: workspace.id,
    workspaceSlug: workspace.slug,
    workspaceName: workspace.name,
    email: admin.email,
    name: admin.name,
    role: "ADMIN",
    managedGroupIds: [],
  };
  return { db, workspace, actor };
}
