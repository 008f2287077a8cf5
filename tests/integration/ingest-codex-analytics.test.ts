/**
 * Codex outcome facts (issue 20, docs/outcomes.md) from the Codex Analytics API through the
 * real sync against a local fake serving fixtures/codex/ (the Secondary row shape of
 * VENDOR-APIS.md §4.3): threads and attributed lines per person and day, no commits and no
 * pull requests, no usage rows (Codex's money is the ChatGPT connection's). A re-sync leaves
 * the same rows; a page that breaks the format fails the sync naming the field and writes
 * nothing; the cursor goes as `page` or `cursor` as the connection says.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import {
  createConnection,
  createConnectionSchema,
  syncConnection,
} from "@/lib/connections/connections";
import type { Db } from "@/lib/server/db";

import {
  CODEX_FAKE_KEY,
  CODEX_FAKE_WORKSPACE,
  loadCodexPages,
  startCodexFake,
  type CodexFake,
} from "../fake-provider/codex-analytics";
import { makeMember, makeWorkspace, testDb } from "../helpers/db";

/**
 * Per person over 2026-11-01..03, added up by hand from the fixture pages (see
 * tests/fake-provider/fixtures/README.md): [threads (sessions), lines added, lines removed].
 */
const TRUTH: Record<string, [number, number, number]> = {
  "alice@acme.example": [8, 662, 157],
  "erin@acme.example": [7, 991, 350],
  "dave@acme.example": [1, 0, 0],
  "carol@acme.example": [2, 120, 15],
};
const WINDOW = { since: "2026-11-01", until: "2026-11-03" };
const NOW = new Date("2026-11-18T14:30:00Z");
const actor = { memberId: null, label: "test" };

let fake: CodexFake;
beforeAll(async () => {
  fake = await startCodexFake();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.pages = loadCodexPages();
  fake.pageParam = "page";
  fake.fault = null;
  fake.requests.length = 0;
});

/** A workspace whose members are the fixture's people but dave, and a Codex connection. */
async function setup(db: Db, options: { pageParam?: "page" | "cursor" } = {}) {
  const workspace = await makeWorkspace(db, { budgetUnit: "USD" });
  const members: Record<string, string> = {};
  for (const email of ["alice@acme.example", "erin@acme.example", "carol@acme.example"])
    members[email] = (await makeMember(db, workspace.id, { email })).id;
  const dto = await createConnection(
    db,
    workspace.id,
    {
      kind: "codex",
      name: "Codex analytics",
      baseUrl: fake.baseUrl,
      apiKey: CODEX_FAKE_KEY,
      codex: {
        workspaceId: CODEX_FAKE_WORKSPACE,
        pageParam: options.pageParam ?? "page",
      },
    },
    actor,
  );
  return { workspace, members, dto };
}

async function perPerson(db: Db, workspaceId: string, connectionId: string) {
  const [facts, identities, members] = await Promise.all([
    db.outcomeDaily.findMany({ where: { connectionId } }),
    db.memberIdentity.findMany({ where: { workspaceId } }),
    db.member.findMany({ where: { workspaceId } }),
  ]);
  const emailOf = new Map(members.map((m) => [m.id, m.email]));
  const memberOf = new Map(
    identities.map((i) => [`${i.provider}|${i.kind}|${i.externalId}`, i.memberId]),
  );
  const out: Record<string, number[]> = {};
  for (const f of facts) {
    const member = memberOf.get(`${f.identityProvider}|${f.identityKind}|${f.identityExternalId}`);
    // dave is no member: his facts stay on his identity, unattributed
    const who = member ? emailOf.get(member)! : `unmapped:${f.identityExternalId}`;
    const t = (out[who] ??= [0, 0, 0]);
    t[0]! += f.sessions;
    t[1]! += f.linesAdded;
    t[2]! += f.linesRemoved;
  }
  return { out, facts };
}

describe("Codex Analytics outcome facts", () => {
  it("stores threads and lines per person and day, maps people by their email, and a re-sync leaves the same rows", async () => {
    const db = await testDb();
    const { workspace, dto } = await setup(db);
    expect(dto.codex).toEqual({ workspaceId: CODEX_FAKE_WORKSPACE, pageParam: "page" });
    const audit = await db.auditEvent.findFirstOrThrow({
      where: { workspaceId: workspace.id, action: "connection.create" },
    });
    expect(audit.afterJson).toContain(CODEX_FAKE_WORKSPACE);
    expect(audit.afterJson).not.toContain(CODEX_FAKE_KEY);

    const res = await syncConnection(db, workspace.id, dto.id, { ...WINDOW, now: NOW });
    expect(res.error).toBeUndefined();
    const { out, facts } = await perPerson(db, workspace.id, dto.id);
    const { "dave@acme.example": dave, ...members } = TRUTH;
    expect(out).toEqual({ ...members, "unmapped:user-dave": dave });
    expect(facts).toHaveLength(7); // one per person-day
    expect(
      facts.every((f) => f.product === "codex" && f.commits === 0 && f.pullRequests === 0),
    ).toBe(true);
    // carol has only an email: her identity is the email
    expect(facts.find((f) => f.day === "2026-11-03" && f.identityKind === "email")).toMatchObject({
      identityProvider: "chatgpt",
      identityExternalId: "carol@acme.example",
    });
    // Codex's money is not read here (it would double the ChatGPT connection's credits)
    expect(await db.usageRecord.count({ where: { connectionId: dto.id } })).toBe(0);
    // Unix seconds sent, one day a request, the second page by its cursor
    expect(fake.requests).toContain(
      `/v1/analytics/codex/workspaces/${CODEX_FAKE_WORKSPACE}/usage?start_time=1793491200&end_time=1793577600`,
    );
    expect(fake.requests.some((r) => r.endsWith("&page=cx_MjAyNi0xMS0wMXwy"))).toBe(true);

    const again = await syncConnection(db, workspace.id, dto.id, { ...WINDOW, now: NOW });
    expect(again.error).toBeUndefined();
    const after = await perPerson(db, workspace.id, dto.id);
    expect(after.out).toEqual(out);
    expect(after.facts).toHaveLength(7);
  });

  it("a restated day replaces its facts, and a day that is no longer reported is emptied", async () => {
    const db = await testDb();
    const { workspace, dto } = await setup(db);
    await syncConnection(db, workspace.id, dto.id, { ...WINDOW, now: NOW });
    const day2 = fake.pages.get("2026-11-02")![0]!;
    (day2.data[0]!.code_attribution as { lines_added: number }).lines_added = 1_000;
    fake.pages.set("2026-11-03", [{ data: [], has_more: false, next_page: null }]);
    const res = await syncConnection(db, workspace.id, dto.id, { ...WINDOW, now: NOW });
    expect(res.error).toBeUndefined();
    const { out } = await perPerson(db, workspace.id, dto.id);
    expect(out["alice@acme.example"]).toEqual([7, 412 + 1_000, 96 + 61]);
    expect(out["carol@acme.example"]).toBeUndefined();
  });

  it("a page that breaks the format fails the sync naming the field and writes nothing", async () => {
    const db = await testDb();
    const { workspace, dto } = await setup(db);
    const row = fake.pages.get("2026-11-01")![1]!.data[0]!;
    (row.totals as Record<string, unknown>).threads = "1";
    const res = await syncConnection(db, workspace.id, dto.id, { ...WINDOW, now: NOW });
    expect(res.error).toContain("codex analytics usage 2026-11-01 page 2");
    expect(res.error).toContain("data[0].totals.threads");
    expect(await db.outcomeDaily.count({ where: { connectionId: dto.id } })).toBe(0);
  });

  it("a row of another day, a repeated cursor and has_more without a cursor fail naming them", async () => {
    const db = await testDb();
    // each case on a connection of its own (a failed run resumes where it stopped)
    const failure = async (edit: () => void) => {
      fake.pages = loadCodexPages();
      edit();
      const { workspace, dto } = await setup(db);
      return (await syncConnection(db, workspace.id, dto.id, { ...WINDOW, now: NOW })).error;
    };
    const otherDay = await failure(() => {
      fake.pages.get("2026-11-02")![0]!.data[1]!.start_time = 1793491200; // 2026-11-01
    });
    expect(otherDay).toContain("codex analytics usage 2026-11-02: data[1].start_time");
    expect(otherDay).toContain("outside the requested 2026-11-02");
    const repeated = await failure(() => {
      fake.pages.get("2026-11-01")![1]!.has_more = true;
      fake.pages.get("2026-11-01")![1]!.next_page = "cx_MjAyNi0xMS0wMXwy";
    });
    expect(repeated).toContain(
      "codex analytics usage 2026-11-01 page 2: next_page: the same cursor came back twice",
    );
    const noCursor = await failure(() => {
      fake.pages.get("2026-11-02")![0]!.has_more = true;
    });
    expect(noCursor).toContain("next_page: has_more is true but no next_page was given");
  });

  it("reads what the format allows: RFC 3339 times, the cursor sent as `cursor`, no code attribution", async () => {
    const db = await testDb();
    const { workspace, dto } = await setup(db, { pageParam: "cursor" });
    fake.pageParam = "cursor";
    const row = fake.pages.get("2026-11-03")![0]!.data[1]!;
    row.start_time = "2026-11-03T00:00:00Z";
    row.end_time = "2026-11-04T00:00:00Z";
    delete row.code_attribution;
    const res = await syncConnection(db, workspace.id, dto.id, { ...WINDOW, now: NOW });
    expect(res.error).toBeUndefined();
    expect(fake.requests.some((r) => r.endsWith("&cursor=cx_MjAyNi0xMS0wMXwy"))).toBe(true);
    const { out } = await perPerson(db, workspace.id, dto.id);
    expect(out["carol@acme.example"]).toEqual([2, 0, 0]);
  });

  it("a key without the analytics scope fails the sync with the vendor's words; options are checked", async () => {
    const db = await testDb();
    const { workspace, dto } = await setup(db);
    fake.fault = "403";
    const res = await syncConnection(db, workspace.id, dto.id, { ...WINDOW, now: NOW });
    expect(res.error).toContain("403");
    expect(res.error).toContain("codex.enterprise.analytics.read");
    await expect(
      createConnection(db, workspace.id, { kind: "codex", name: "c2", apiKey: "k" }, actor),
    ).rejects.toThrow("The ChatGPT workspace id is required");
    await expect(
      createConnection(
        db,
        workspace.id,
        { kind: "openai", name: "o", apiKey: "k", codex: { workspaceId: "ws", pageParam: "page" } },
        actor,
      ),
    ).rejects.toThrow(/Codex Analytics connections only/);
    expect(
      createConnectionSchema.safeParse({
        kind: "codex",
        name: "x",
        apiKey: "k",
        codex: { workspaceId: "ws", pageParam: "offset" },
      }).success,
    ).toBe(false);
  });
});
