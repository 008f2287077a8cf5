/**
 * Issue 15, sessions and sign-in: sign-out ends the session on the server (the cookie alone no
 * longer works), the sign-in throttle keys on the address the server saw — never on a header
 * the client wrote — and counts failures only; a connection's stored admin key is never sent to
 * a new host.
 */
import { afterEach, describe, expect, it } from "vitest";

import { CLIENT_ADDRESS_HEADER } from "@/lib/auth/client-address";
import { authOptions } from "@/lib/auth/options";
import {
  isSessionLive,
  revokeMemberSessions,
  revokeSession,
  startSession,
} from "@/lib/auth/sessions";
import { isThrottled, recordFailure } from "@/lib/auth/throttle";
import { createConnection, updateConnection } from "@/lib/connections/connections";
import { resetEnvCache } from "@/lib/server/env";

import { TEST_NOW } from "../helpers/clock";
import { makeMember, makeWorkspace, testDb } from "../helpers/db";

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
  resetEnvCache();
});

type Authorize = (
  credentials: Record<string, string>,
  req: { headers: Record<string, string> },
) => Promise<{ email: string } | null>;

/** The demo Credentials provider's authorize(), as next-auth calls it. */
function demoAuthorize(maxAttempts: number): Authorize {
  process.env.ALLOTMENT_DEMO_MODE = "1";
  process.env.ALLOTMENT_SIGNIN_MAX_ATTEMPTS = String(maxAttempts);
  resetEnvCache();
  // CredentialsProvider keeps the configured id and authorize() in `options` (next-auth merges them at run time)
  const providers = authOptions().providers as unknown as {
    options?: { id?: string; authorize: Authorize };
  }[];
  return providers.find((p) => p.options?.id === "demo")!.options!.authorize;
}

describe("server-side sessions", () => {
  it("a revoked session is over although its cookie would still be valid; other sessions live on", async () => {
    const db = await testDb();
    const ws = await makeWorkspace(db);
    const m = await makeMember(db, ws.id);
    const laptop = await startSession(db, m, 3600, TEST_NOW);
    const phone = await startSession(db, m, 3600, TEST_NOW);
    expect(await isSessionLive(db, laptop, m.id)).toBe(true);
    await revokeSession(db, laptop);
    expect(await isSessionLive(db, laptop, m.id)).toBe(false);
    expect(await isSessionLive(db, phone, m.id)).toBe(true);
    // a session id is only good for the member it was made for
    const other = await makeMember(db, ws.id);
    expect(await isSessionLive(db, phone, other.id)).toBe(false);
    expect(await isSessionLive(db, "no-such-session", m.id)).toBe(false);
    // deactivation ends every session of the member
    expect(await revokeMemberSessions(db, m.id)).toBe(1);
    expect(await isSessionLive(db, phone, m.id)).toBe(false);
  });

  it("next-auth's sign-out event revokes the session named in the token", async () => {
    const db = await testDb();
    const ws = await makeWorkspace(db);
    const m = await makeMember(db, ws.id);
    const sid = await startSession(db, m, 3600, TEST_NOW);
    process.env.ALLOTMENT_DEMO_MODE = "1";
    resetEnvCache();
    await authOptions().events!.signOut!({
      token: { sessionId: sid, memberId: m.id },
      session: undefined as never,
    });
    expect(await isSessionLive(db, sid, m.id)).toBe(false);
  });
});

describe("sign-in throttle", () => {
  it("counts failures only, per window", async () => {
    const db = await testDb();
    const key = `test:${Math.random().toString(36).slice(2)}`;
    const windowMs = 15 * 60_000;
    expect(await isThrottled(db, key, 2, windowMs, TEST_NOW)).toBe(false);
    await recordFailure(db, key, windowMs, TEST_NOW);
    expect(await isThrottled(db, key, 2, windowMs, TEST_NOW)).toBe(false);
    await recordFailure(db, key, windowMs, TEST_NOW);
    expect(await isThrottled(db, key, 2, windowMs, TEST_NOW)).toBe(true);
    // the next window starts from zero
    expect(await isThrottled(db, key, 2, windowMs, new Date(TEST_NOW.getTime() + windowMs))).toBe(
      false,
    );
  });

  it("rotating X-Forwarded-For does not reset the address's budget, and successful sign-ins never lock an account", async () => {
    const db = await testDb();
    const ws = await makeWorkspace(db);
    const owner = await makeMember(db, ws.id, { role: "OWNER" });
    const authorize = demoAuthorize(2);
    const address = `10.9.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
    // the account: many successful sign-ins in a row, from the same address, never throttled
    for (let i = 0; i < 25; i++) {
      expect(
        (await authorize({ email: owner.email }, { headers: { [CLIENT_ADDRESS_HEADER]: address } }))
          ?.email,
      ).toBe(owner.email);
    }
    // the address: 2 × 10 failures, each with a different forged X-Forwarded-For
    for (let i = 0; i < 20; i++) {
      const guess = { email: `nobody-${i}@example.test` };
      expect(
        await authorize(guess, {
          headers: { [CLIENT_ADDRESS_HEADER]: address, "x-forwarded-for": `203.0.113.${i}` },
        }),
      ).toBeNull();
    }
    await expect(
      authorize(
        { email: "nobody-x@example.test" },
        { headers: { [CLIENT_ADDRESS_HEADER]: address, "x-forwarded-for": "198.51.100.7" } },
      ),
    ).rejects.toThrow("TooManyAttempts");
    // another address is not affected
    expect(
      (
        await authorize(
          { email: owner.email },
          { headers: { [CLIENT_ADDRESS_HEADER]: `${address}9` } },
        )
      )?.email,
    ).toBe(owner.email);
  });
});

describe("connection secrets stay with their host", () => {
  it("a new base URL without the key again is refused and nothing changes; with the key it is saved", async () => {
    const db = await testDb();
    const ws = await makeWorkspace(db);
    const actor = { memberId: null, label: "test" };
    const c = await createConnection(
      db,
      ws.id,
      {
        kind: "openai",
        name: "OpenAI",
        baseUrl: "https://api.openai.com/v1",
        apiKey: "sk-admin-original-1234",
      },
      actor,
    );
    await expect(
      updateConnection(db, ws.id, { id: c.id, baseUrl: "https://attacker.example/v1" }, actor),
    ).rejects.toThrow(/needs the admin key again/);
    const unchanged = await db.connection.findUniqueOrThrow({ where: { id: c.id } });
    expect(unchanged.baseUrl).toBe("https://api.openai.com/v1");
    // the same URL (or a name change) keeps the key
    await updateConnection(
      db,
      ws.id,
      { id: c.id, name: "OpenAI prod", baseUrl: "https://api.openai.com/v1" },
      actor,
    );
    const moved = await updateConnection(
      db,
      ws.id,
      { id: c.id, baseUrl: "https://proxy.internal.example/v1", apiKey: "sk-admin-new-5678" },
      actor,
    );
    expect(moved.baseUrl).toBe("https://proxy.internal.example/v1");
    expect(moved.keyMasked).toBe("••••5678");
  });
});
