/**
 * Issue 22, start-up against a real OpenID Connect provider (tests/fake-oidc, panva's
 * oidc-provider): discovery is read and checked, a provider that starts a moment later is
 * waited for, a wrong issuer stops the server with a message that says what to fix, and a
 * provider that cannot be reached is logged without stopping it.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";

import { checkSingleSignOn } from "@/lib/auth/startup";
import { resetEnvCache } from "@/lib/server/env";

import { startFakeOidc, type FakeOidc } from "../fake-oidc/provider";

const saved = { ...process.env };
let provider: FakeOidc;

beforeAll(async () => {
  provider = await startFakeOidc({ port: 0, appOrigins: ["http://127.0.0.1:3999"] });
});
afterAll(async () => {
  await provider.close();
});
afterEach(() => {
  process.env = { ...saved };
  resetEnvCache();
  vi.restoreAllMocks();
});

function configure(issuer: string) {
  Object.assign(process.env, {
    OIDC_ISSUER: issuer,
    OIDC_CLIENT_ID: "allotment-e2e",
    OIDC_CLIENT_SECRET: "x",
    ALLOTMENT_OIDC_ALLOW_HTTP: "1",
  });
  resetEnvCache();
}

async function freePort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe("single sign-on at start-up", () => {
  it("a provider on its defaults passes, with RP-initiated logout available", async () => {
    const lines: string[] = [];
    vi.spyOn(console, "error").mockImplementation((line: unknown) => void lines.push(String(line)));
    configure(provider.issuer);
    expect(await checkSingleSignOn({ delaysMs: [] })).toEqual([]);
    expect(lines.join("\n")).toMatch(/"event":"discovery_ok".*"logout":"rp-initiated"/);
  });

  it("a wrong issuer stops the server and says what to fix", async () => {
    configure(`${provider.issuer}/oauth2/default`);
    const problems = await checkSingleSignOn({ delaysMs: [] });
    expect(problems.join("\n")).toMatch(
      /Single sign-on \(OIDC_ISSUER .*\/oauth2\/default\): the discovery document at .* answered HTTP 404: check OIDC_ISSUER/,
    );
  });

  it("a provider that cannot be reached is logged, and the server starts", async () => {
    const lines: string[] = [];
    vi.spyOn(console, "error").mockImplementation((line: unknown) => void lines.push(String(line)));
    configure(`http://127.0.0.1:${await freePort()}`);
    expect(await checkSingleSignOn({ delaysMs: [10, 10] })).toEqual([]);
    expect(lines.join("\n")).toMatch(/"event":"discovery_unreachable".*"attempts":3/);
    expect(lines.join("\n")).toMatch(/could not be reached \(ECONNREFUSED, 3 attempts\)/);
  });

  it("a provider that starts a moment after Allotment is waited for", async () => {
    const port = await freePort();
    configure(`http://127.0.0.1:${port}`);
    let late: FakeOidc | undefined;
    const starting = new Promise<void>((resolve) =>
      setTimeout(() => {
        void startFakeOidc({ port, appOrigins: ["http://127.0.0.1:3999"] }).then((p) => {
          late = p;
          resolve();
        });
      }, 300),
    );
    const lines: string[] = [];
    vi.spyOn(console, "error").mockImplementation((line: unknown) => void lines.push(String(line)));
    expect(await checkSingleSignOn({ delaysMs: [200, 400, 800, 1600, 3200] })).toEqual([]);
    await starting;
    expect(lines.join("\n")).toMatch(/"event":"discovery_ok"/);
    expect(lines.join("\n")).not.toMatch(/"attempts":1,/);
    await late?.close();
  });
});
