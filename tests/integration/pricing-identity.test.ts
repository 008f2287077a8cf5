import { describe, expect, it } from "vitest";

import { reconciliation } from "@/lib/connections/reconciliation";
import { attributeBilled, scopeKey } from "@/lib/ingest/attribute-billed";
import { priceTokens } from "@/lib/ingest/pricing";
import { runSync } from "@/lib/ingest/sync";
import type { SourceAdapter, UsageRow } from "@/lib/ingest/types";
import { loadRateCard } from "@/lib/ratecard/load-rate-card";
import type { RateCard } from "@/lib/ratecard/rate-card";
import {
  addRateCardVersion,
  editRateCardEntry,
  rateCardLines,
  removeRateCardEntry,
} from "@/lib/ratecard/rate-card-entries";

import { makeMember, makeWorkspace, testDb } from "../helpers/db";
import { syncedSimulatedWorkspace } from "../helpers/simulator";

const DAY = "2026-11-15";
const actor = { memberId: null, label: "test" };
type Db = Awaited<ReturnType<typeof testDb>>;

/** A person's usage of a model (3 requests unless said: 0 is valid, a token-only row). */
type Usage = { email: string; model: string; project?: string; requests?: bigint };

/** An OpenAI-shaped source: each person's usage priced with the workspace's card, the project bill split by attributeBilled. */
function source(card: RateCard, usage: Usage[], bills: Record<string, bigint>): SourceAdapter {
  const rows: UsageRow[] = usage.map(({ email, model, project, requests }) => {
    const price = card.priceFor("openai", model, DAY);
    const t = { input: 1_000_000n, cached: 200_000n, output: 100_000n };
    return {
      day: DAY,
      provider: "openai",
      identity: { provider: "openai", kind: "user_id", externalId: `user_${email}`, email },
      product: "api",
      model,
      project: project ?? "proj_1",
      apiKey: "",
      lineItem: "",
      inputTokens: t.input,
      cachedInputTokens: t.cached,
      outputTokens: t.output,
      requests: requests ?? 3n,
      estimatedCostMicros: price
        ? priceTokens(price, {
            uncachedInput: t.input - t.cached,
            cachedInput: t.cached,
            output: t.output,
          })
        : 0n,
      costMicros: 0n,
      creditsMicros: null,
      unpriced: !price,
    };
  });
  const billed = new Map(Object.entries(bills).map(([scope, v]) => [scopeKey(DAY, scope), v]));
  return {
    kind: "openai",
    async testConnection() {
      return { ok: true, detail: "test" };
    },
    async *pages() {
      yield {
        completeDays: [DAY],
        rows: attributeBilled({ provider: "openai", usage: rows, billed }),
        nextCursor: null,
        label: "test page",
      };
    },
  };
}

async function setup(db: Db) {
  const ws = await makeWorkspace(db, { budgetUnit: "USD" });
  const alice = await makeMember(db, ws.id, { email: "alice@acme.example" });
  const bob = await makeMember(db, ws.id, { email: "bob@acme.example" });
  const connection = await db.connection.create({
    data: { workspaceId: ws.id, kind: "openai", name: "OpenAI" },
  });
  const sync = async (usage: Usage[], bills: Record<string, bigint>) =>
    runSync({
      db,
      connectionId: connection.id,
      adapter: source(await loadRateCard(db, ws.id), usage, bills),
      window: { start: DAY, end: DAY },
    });
  const perMember = async () => {
    const rows = await db.usageDailyRollup.findMany({
      where: { workspaceId: ws.id, day: DAY },
      select: { memberKey: true, costMicros: true },
    });
    const sum = (id: string) =>
      rows.filter((r) => r.memberKey === id).reduce((s, r) => s + r.costMicros, 0n);
    return { alice: sum(alice.id), bob: sum(bob.id) };
  };
  return { ws, connection, sync, perMember };
}

describe("model identity and the unpriced rule, through a sync", () => {
  it("issue 16's example: identical usage, Alice on the dated snapshot name → each pays half of the project bill", async () => {
    const db = await testDb();
    const { sync, perMember, ws, connection } = await setup(db);
    const run = await sync(
      [
        { email: "alice@acme.example", model: "gpt-4o-mini-2024-07-18" },
        { email: "bob@acme.example", model: "gpt-4o-mini" },
      ],
      { proj_1: 390_001n },
    );
    expect(run.status).toBe("SUCCEEDED");
    // before model identity the dated row was unpriced and the bill split by list price: Alice 0, Bob 390,001
    expect(await perMember()).toEqual({ alice: 195_001n, bob: 195_000n });
    const recon = await reconciliation(db, ws.id, { start: DAY, end: DAY });
    expect(recon).toMatchObject([
      {
        connectionId: connection.id,
        billedMicros: 390_001n,
        unpricedRows: 0,
        tokenSplitScopes: [],
      },
    ]);
  });

  it("an unpriced model splits its project's bill by tokens and reconciliation flags that (day, project)", async () => {
    const db = await testDb();
    const { sync, perMember, ws } = await setup(db);
    await sync(
      [
        { email: "alice@acme.example", model: "mystery-model" },
        { email: "bob@acme.example", model: "gpt-5" },
        { email: "bob@acme.example", model: "gpt-5-mini", project: "proj_2" },
        { email: "alice@acme.example", model: "gpt-5", project: "proj_2" },
      ],
      { proj_1: 1_000_001n, proj_2: 2_000_000n },
    );
    const rows = await db.usageRecord.findMany({
      where: { workspaceId: ws.id },
      orderBy: [{ project: "asc" }, { model: "asc" }],
    });
    // proj_1: tokens (equal) → halves, largest remainder to the first row; proj_2: list price (gpt-5 is 5× gpt-5-mini)
    expect(rows.map((r) => [r.project, r.model, r.costMicros, r.unpriced])).toEqual([
      ["proj_1", "gpt-5", 500_000n, false],
      ["proj_1", "mystery-model", 500_001n, true],
      ["proj_2", "gpt-5", 1_666_667n, false],
      ["proj_2", "gpt-5-mini", 333_333n, false],
    ]);
    expect(await perMember()).toEqual({ alice: 500_001n + 1_666_667n, bob: 500_000n + 333_333n });
    const [recon] = await reconciliation(db, ws.id, { start: DAY, end: DAY });
    expect(recon).toMatchObject({
      unpricedRows: 1,
      tokenSplitScopes: ["proj_1"],
      billedMicros: 3_000_001n,
    });
  });

  it("a model the card does not price is flagged only when its rows went unpriced: not the demo's simulator, which reports its own cost", async () => {
    const db = await testDb();
    const { workspace } = await syncedSimulatedWorkspace(
      db,
      { members: 40 },
      { start: "2026-11-01", end: "2026-11-14" },
    );
    // the simulator's catalog has models the shipped card lacks (o3, gpt-4.1, …), all priced
    const card = await loadRateCard(db, workspace.id);
    const used = await db.usageDailyRollup.groupBy({
      by: ["provider", "model"],
      where: { workspaceId: workspace.id, model: { not: "" } },
      _sum: { unpricedRequests: true },
    });
    const unknown = used.filter((u) => !card.resolve(u.provider, u.model, "2026-11-14"));
    expect(unknown.length).toBeGreaterThan(0);
    expect(unknown.every((u) => u._sum.unpricedRequests === 0n)).toBe(true);
    expect((await rateCardLines(db, workspace.id)).filter((l) => l.source === "unpriced")).toEqual(
      [],
    );
    // the real adapters' unpriced rows still are (the test above: "team-model")
  });

  it("a model whose unpriced rows report no requests (token-only rows) is flagged all the same", async () => {
    const db = await testDb();
    const { sync, ws } = await setup(db);
    await sync(
      [
        { email: "alice@acme.example", model: "token-only-model", requests: 0n },
        { email: "bob@acme.example", model: "gpt-5", requests: 0n },
      ],
      { proj_1: 10n },
    );
    const rows = await db.usageRecord.findMany({
      where: { workspaceId: ws.id },
      select: { model: true, requests: true, unpriced: true },
      orderBy: { model: "asc" },
    });
    expect(rows).toEqual([
      { model: "gpt-5", requests: 0n, unpriced: false },
      { model: "token-only-model", requests: 0n, unpriced: true },
    ]);
    // the rollup counts no unpriced request: the row, not its requests, is what is unpriced
    const rolled = await db.usageDailyRollup.aggregate({
      where: { workspaceId: ws.id, model: "token-only-model" },
      _sum: { unpricedRequests: true },
    });
    expect(rolled._sum.unpricedRequests).toBe(0n);
    const flagged = (await rateCardLines(db, ws.id)).filter((l) => l.source === "unpriced");
    expect(flagged.map((l) => [l.provider, l.model])).toEqual([["openai", "token-only-model"]]);
  });

  it("an owner's snapshot price, alias, edit and removal: audited, validated, and shown with the model names that used them", async () => {
    const db = await testDb();
    const { sync, ws } = await setup(db);
    const other = await makeWorkspace(db);
    await sync(
      [
        { email: "alice@acme.example", model: "gpt-4o-mini-2024-07-18" },
        { email: "bob@acme.example", model: "team-model" },
      ],
      { proj_1: 10n },
    );
    let lines = await rateCardLines(db, ws.id);
    expect(lines.find((l) => l.source === "unpriced")).toMatchObject({
      model: "team-model",
      provider: "openai",
    });
    expect(lines.find((l) => l.source === "seed" && l.model === "gpt-4o-mini")!.seen).toEqual([
      { provider: "openai", model: "gpt-4o-mini-2024-07-18", match: "snapshot", lastDay: DAY },
    ]);

    const snap = await addRateCardVersion(
      db,
      ws.id,
      {
        model: "gpt-4o-mini-2024-07-18",
        effectiveFrom: "2026-11-01",
        inputPerMTok: "0.2",
        cachedInputPerMTok: "0.1",
        outputPerMTok: "0.8",
      },
      actor,
    );
    const alias = await addRateCardVersion(
      db,
      ws.id,
      { model: "team-model", effectiveFrom: "2026-11-01", aliasOf: "gpt-5-mini" },
      actor,
    );
    await expect(
      addRateCardVersion(
        db,
        ws.id,
        { model: "x", effectiveFrom: "2026-11-01", inputPerMTok: "1" },
        actor,
      ),
    ).rejects.toThrow(/cachedInputPerMTok|required/);
    await expect(
      addRateCardVersion(
        db,
        ws.id,
        { model: "x", effectiveFrom: "2026-11-01", aliasOf: "x" },
        actor,
      ),
    ).rejects.toThrow(/another model/);
    await expect(
      addRateCardVersion(
        db,
        ws.id,
        { model: "bad name!", effectiveFrom: "2026-11-01", aliasOf: "gpt-5" },
        actor,
      ),
    ).rejects.toThrow();
    await expect(
      editRateCardEntry(
        db,
        ws.id,
        alias.id,
        { inputPerMTok: "1", cachedInputPerMTok: "1", outputPerMTok: "1" },
        actor,
      ),
    ).rejects.toThrow(/alias/);
    await expect(
      editRateCardEntry(
        db,
        other.id,
        snap.id,
        { inputPerMTok: "1", cachedInputPerMTok: "1", outputPerMTok: "1" },
        actor,
      ),
    ).rejects.toThrow(/not found/i);
    await editRateCardEntry(
      db,
      ws.id,
      snap.id,
      { inputPerMTok: "0.3", cachedInputPerMTok: "0.1", outputPerMTok: "0.9" },
      actor,
    );

    const card = await loadRateCard(db, ws.id);
    expect(card.resolve("openai", "gpt-4o-mini-2024-07-18", DAY)).toMatchObject({
      match: "exact",
      entry: { source: "owner" },
      price: { input: "0.3" },
    });
    expect(card.resolve("openai", "team-model", DAY)).toMatchObject({
      match: "alias",
      entry: { model: "gpt-5-mini" },
    });
    lines = await rateCardLines(db, ws.id);
    expect(lines.some((l) => l.source === "unpriced")).toBe(false);
    expect(lines.find((l) => l.id === snap.id)).toMatchObject({
      input: "0.3",
      seen: [{ model: "gpt-4o-mini-2024-07-18", match: "exact" }],
    });
    expect(lines.find((l) => l.id === alias.id)).toMatchObject({
      aliasOf: "gpt-5-mini",
      provider: "any",
      seen: [{ model: "team-model", match: "alias" }],
    });

    await removeRateCardEntry(db, ws.id, alias.id, actor);
    expect((await loadRateCard(db, ws.id)).resolve("openai", "team-model", DAY)).toBeNull();
    const audit = await db.auditEvent.findMany({
      where: { workspaceId: ws.id, action: { startsWith: "ratecard." } },
      orderBy: { createdAt: "asc" },
    });
    expect(audit.map((a) => a.action).sort()).toEqual([
      "ratecard.add",
      "ratecard.add",
      "ratecard.edit",
      "ratecard.remove",
    ]);
    expect(audit.find((a) => a.action === "ratecard.edit")!.beforeJson).toContain("0.2");
  });
});
