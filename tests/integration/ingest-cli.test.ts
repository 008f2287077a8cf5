import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { expectedFigures } from "../fake-provider/data";
import { startFakeProvider, type FakeProvider } from "../fake-provider/server";
import { makeWorkspace, testDatabaseUrl, testDb } from "../helpers/db";

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "../..");
let fake: FakeProvider;

beforeAll(async () => {
  fake = await startFakeProvider();
});
afterAll(async () => {
  await fake.close();
});

async function cli(args: string[], extraEnv: Record<string, string> = {}) {
  try {
    const r = await run(
      path.join(root, "node_modules/.bin/tsx"),
      ["--conditions=react-server", "scripts/allotment.ts", ...args],
      {
        cwd: root,
        env: {
          ...process.env,
          DATABASE_URL: testDatabaseUrl(),
          ALLOTMENT_DEMO_MODE: "1",
          ...extraEnv,
        },
      },
    );
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("allotment CLI", () => {
  it("adds an OpenAI connection from an env var and syncs it: progress on stderr, one JSON line on stdout", async () => {
    const db = await testDb();
    const ws = await makeWorkspace(db);
    const name = `openai-${ws.slug}`;
    const add = await cli(
      [
        "connection",
        "add",
        "--workspace",
        ws.slug,
        "--kind",
        "openai",
        "--name",
        name,
        "--base-url",
        fake.openaiBase,
        "--key-env",
        "TEST_OPENAI_ADMIN_KEY",
      ],
      { TEST_OPENAI_ADMIN_KEY: "sk-admin-fake-openai" },
    );
    expect(add.code).toBe(0);
    expect(add.stdout + add.stderr).not.toContain("sk-admin-fake-openai");

    const sync = await cli([
      "sync",
      "--connection",
      name,
      "--workspace",
      ws.slug,
      "--since",
      "2026-11-01",
      "--until",
      "2026-11-10",
    ]);
    expect(sync.code).toBe(0);
    expect(sync.stderr).toMatch(/page 1 openai 2026-11-01\.\.2026-11-10/);
    const lines = sync.stdout.trim().split("\n");
    expect(lines).toHaveLength(1);
    const out = JSON.parse(lines[0]!) as {
      status: string;
      rowsRead: number;
      billedMicrosByDay: Record<string, number>;
      billedMicrosByProvider: Record<string, number>;
    };
    const expected = expectedFigures() as {
      openai: {
        billed_cost_micros_by_day: Record<string, number>;
        billed_cost_micros_total: number;
      };
    };
    expect(out.status).toBe("SUCCEEDED");
    expect(out.billedMicrosByDay).toEqual(expected.openai.billed_cost_micros_by_day);
    expect(out.billedMicrosByProvider).toEqual({
      openai: expected.openai.billed_cost_micros_total,
    });
  }, 300_000); // each CLI call starts tsx (20–60 s each on a loaded 2-core machine)

  it("fails with a clear message and a non-zero exit", async () => {
    const db = await testDb();
    const ws = await makeWorkspace(db);
    const missing = await cli([
      "connection",
      "add",
      "--workspace",
      ws.slug,
      "--kind",
      "openai",
      "--name",
      "x",
      "--key-env",
      "NOT_SET_ANYWHERE_123",
    ]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain(
      "environment variable NOT_SET_ANYWHERE_123 is empty or not set",
    );
    const badKind = await cli([
      "connection",
      "add",
      "--workspace",
      ws.slug,
      "--kind",
      "gemini",
      "--name",
      "x",
    ]);
    expect(badKind.code).not.toBe(0);
    expect(badKind.stderr).toMatch(/--kind/);

    const name = `bad-${ws.slug}`;
    await cli(
      [
        "connection",
        "add",
        "--workspace",
        ws.slug,
        "--kind",
        "openai",
        "--name",
        name,
        "--base-url",
        fake.openaiBase,
        "--key-env",
        "K",
      ],
      { K: "sk-wrong" },
    );
    const failed = await cli([
      "sync",
      "--connection",
      name,
      "--since",
      "2026-11-01",
      "--until",
      "2026-11-02",
    ]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/sync failed .*HTTP 401/);
    expect(failed.stdout).toBe("");
  }, 300_000);
});
