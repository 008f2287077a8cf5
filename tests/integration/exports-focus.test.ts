import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";

import type { Actor } from "@/lib/auth/actor";
import { parseMicros } from "@/lib/core/money";
import { startFocusExport } from "@/lib/exports/export-focus";
import { focusCsvStream } from "@/lib/exports/focus";
import { FOCUS_COLUMNS, FOCUS_MANDATORY } from "@/lib/exports/focus-spec";
import { validateFocusCsv } from "@/lib/exports/focus-validate";
import { openExportSource } from "@/lib/exports/json-read";
import { exportQuerySchema } from "@/lib/exports/params";
import { rollupPages, type DayTuple } from "@/lib/exports/rollup-reads";
import { fileAdapter } from "@/lib/ingest/adapters/file";
import { runSync } from "@/lib/ingest/sync";
import { seedRateCard } from "@/lib/ratecard/rate-card";

import { makeMember, makeWorkspace, testDb } from "../helpers/db";
import { rowsLandingMidRead } from "../helpers/late-rollup-rows";
import { syncSeatRow } from "../helpers/seat-row";
import { simulatedWorkspace } from "../helpers/simulator";

const NOW = new Date("2026-11-22T12:00:00Z");

describe("FOCUS 1.2 export", () => {
  it("writes every mandatory column with valid types and values, and BilledCost adds up to the facts", async () => {
    const db = await testDb();
    const sim = await simulatedWorkspace(db, { members: 15, endDay: "2026-11-22" });
    await runSync({
      db,
      connectionId: sim.connection.id,
      adapter: sim.adapter,
      window: { start: "2026-10-28", end: "2026-11-22" },
    });
    const finance = await makeMember(db, sim.workspace.id, { role: "FINANCE" });
    const someone = await db.member.findFirstOrThrow({
      where: { workspaceId: sim.workspace.id, usage: { some: {} } },
    });
    await db.member.update({ where: { id: someone.id }, data: { name: '=HYPERLINK("http://x")' } });
    const actor: Actor = {
      memberId: finance.id,
      workspaceId: sim.workspace.id,
      workspaceSlug: sim.workspace.slug,
      workspaceName: sim.workspace.name,
      email: finance.email,
      name: finance.name,
      role: "FINANCE",
      managedGroupIds: [],
    };
    const { stream, fileName } = await startFocusExport(
      db,
      actor,
      exportQuerySchema.parse({ period: "custom", start: "2026-10-28", end: "2026-11-22" }),
      NOW,
    );
    expect(fileName).toBe(`allotment-focus-1.2-${sim.workspace.slug}-2026-10-28_2026-11-22.csv`);
    const text = await new Response(stream).text();
    expect(validateFocusCsv(text)).toEqual([]);
    const records = parse(text, { columns: true }) as Record<string, string>[];
    expect(records.length).toBeGreaterThan(100);
    for (const m of FOCUS_MANDATORY) expect(Object.keys(records[0]!)).toContain(m.name);
    for (const r of records) {
      expect(r.ServiceCategory).toBe("AI and Machine Learning");
      expect(r.ChargeCategory).toBe("Usage");
      expect(r.BillingCurrency).toBe("USD");
      expect(r.ChargePeriodStart).toMatch(/^\d{4}-\d{2}-\d{2}T00:00:00Z$/);
    }
    expect(records.some((r) => r.x_MemberName === '\'=HYPERLINK("http://x")')).toBe(true);
    const total = records.reduce((s, r) => s + parseMicros(r.BilledCost!), 0n);
    const facts = await db.usageRecord.aggregate({
      where: { workspaceId: sim.workspace.id, day: { gte: "2026-10-28", lte: "2026-11-22" } },
      _sum: { costMicros: true },
    });
    expect(total).toBe(facts._sum.costMicros);
    expect(
      await db.auditEvent.count({
        where: { workspaceId: sim.workspace.id, action: "export.focus" },
      }),
    ).toBe(1);
  });

  it("pages through the rollup in small chunks with the same rows as one big chunk (keyset order holds)", async () => {
    const db = await testDb();
    const sim = await simulatedWorkspace(db, { members: 12, endDay: "2026-11-22" });
    await runSync({
      db,
      connectionId: sim.connection.id,
      adapter: sim.adapter,
      window: { start: "2026-11-01", end: "2026-11-22" },
    });
    const period = { start: "2026-11-01", end: "2026-11-22" };
    const ws = { id: sim.workspace.id, name: sim.workspace.name };
    const whole = await new Response(focusCsvStream(db, { workspace: ws, period })).text();
    const paged = await new Response(
      focusCsvStream(db, { workspace: ws, period, chunkSize: 7 }),
    ).text();
    const rows = await db.usageDailyRollup.count({
      where: { workspaceId: sim.workspace.id, day: { gte: period.start, lte: period.end } },
    });
    const lines = paged.split("\r\n").filter(Boolean);
    expect(rows).toBeGreaterThan(7 * 5);
    expect(lines.length).toBe(rows + 1);
    expect(new Set(lines).size).toBe(lines.length);
    expect(paged).toBe(whole);
  });

  it("keyset pages stay complete and bounded when rows land inside a page's range between its two reads", async () => {
    const db = await testDb();
    const { sim, period, src, state, rowCount } = await rowsLandingMidRead(db);
    const pages: DayTuple[][] = [];
    for await (const page of rollupPages(src, sim.workspace.id, period, 7)) pages.push(page);
    expect(state.inserted).toBe(true);
    expect(pages[0]!.length).toBe(14); // capped at twice the page size
    for (const page of pages) expect(page.length).toBeLessThanOrEqual(14);
    const keys = pages.flat().map((r) => r.slice(0, 5).join("\u0000"));
    const sorted = [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    expect(keys).toEqual(sorted);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.length).toBe(await rowCount());
    // the export's own connection (a worker on SQLite) reads the same pages
    const own = await openExportSource(db);
    try {
      const again: DayTuple[] = [];
      for await (const page of rollupPages(own, sim.workspace.id, period, 7)) again.push(...page);
      expect(again).toEqual(pages.flat());
    } finally {
      own.close();
    }
  });

  it("the validator catches a missing column, bad dates, disallowed values and nulls", () => {
    const good = "BilledCost,ChargeCategory\r\n1.5,Usage\r\n";
    const problems = validateFocusCsv(good);
    expect(
      problems.some((p) => p.column === "BillingCurrency" && p.message.includes("missing")),
    ).toBe(true);
    const header = FOCUS_MANDATORY.map((m) => m.name);
    const row = (over: Record<string, string>) =>
      header
        .map(
          (h) =>
            over[h] ??
            (
              {
                BilledCost: "1.0",
                BillingAccountId: "a",
                BillingCurrency: "USD",
                BillingPeriodEnd: "2026-12-01T00:00:00Z",
                BillingPeriodStart: "2026-11-01T00:00:00Z",
                ChargeCategory: "Usage",
                ChargePeriodEnd: "2026-11-03T00:00:00Z",
                ChargePeriodStart: "2026-11-02T00:00:00Z",
                ContractedCost: "1.0",
                EffectiveCost: "1.0",
                InvoiceIssuerName: "OpenAI",
                ListCost: "1.0",
                PricingQuantity: "10.0",
                PricingUnit: "Tokens",
                ProviderName: "OpenAI",
                PublisherName: "OpenAI",
                ServiceCategory: "AI and Machine Learning",
                ServiceName: "Codex",
              } as Record<string, string>
            )[h] ??
            "",
        )
        .join(",");
    const csv = (over: Record<string, string>) => `${header.join(",")}\r\n${row(over)}\r\n`;
    expect(validateFocusCsv(csv({}))).toEqual([]);
    expect(validateFocusCsv(csv({ ChargePeriodStart: "2026-11-02 00:00:00" }))[0]?.column).toBe(
      "ChargePeriodStart",
    );
    expect(validateFocusCsv(csv({ ServiceCategory: "AI" }))[0]?.column).toBe("ServiceCategory");
    expect(validateFocusCsv(csv({ BillingCurrency: "usd" }))[0]?.column).toBe("BillingCurrency");
    // FOCUS NumericFormat: E notation is a number; a signed positive exponent, a plus sign or a comma is not
    expect(validateFocusCsv(csv({ BilledCost: "1e3", ListCost: "35.2E-7" }))).toEqual([]);
    expect(validateFocusCsv(csv({ BilledCost: "35.2E+7" }))[0]?.column).toBe("BilledCost");
    expect(validateFocusCsv(csv({ BilledCost: "+3.0" }))[0]?.column).toBe("BilledCost");
    // integer-only text in a Decimal column: the Foundation's validator types the column as an integer
    expect(validateFocusCsv(csv({ PricingQuantity: "10" }))).toEqual([
      expect.objectContaining({ row: null, column: "PricingQuantity" }),
    ]);
    expect(validateFocusCsv(csv({ BillingAccountId: "" }))[0]?.message).toBe("must not be null");
    expect(
      validateFocusCsv(csv({ ChargePeriodEnd: "2026-11-01T00:00:00Z" })).length,
    ).toBeGreaterThan(0);
    expect(validateFocusCsv(`${header.join(",")},Member\r\n${row({})},x\r\n`)[0]?.column).toBe(
      "Member",
    );
  });

  it("export → import round-trips exactly per day × person × product × model × provider, and the file passes the 1.2 rules", async () => {
    const db = await testDb();
    const sim = await simulatedWorkspace(db, { members: 10, endDay: "2026-11-22" });
    const period = { start: "2026-11-08", end: "2026-11-22" };
    await runSync({
      db,
      connectionId: sim.connection.id,
      adapter: sim.adapter,
      window: period,
    });
    // a Claude Code seat-plan row: no bill, the provider's estimate kept apart (x_SeatEstimatedCost)
    const someone = await db.member.findFirstOrThrow({
      where: { workspaceId: sim.workspace.id },
      orderBy: { email: "asc" },
    });
    await syncSeatRow(db, sim.workspace.id, {
      email: someone.email,
      day: "2026-11-10",
      seatEstimateMicros: 1_234_567n,
    });
    const text = await new Response(
      focusCsvStream(db, { workspace: { id: sim.workspace.id, name: sim.workspace.name }, period }),
    ).text();
    expect(validateFocusCsv(text)).toEqual([]);
    const records = parse(text, { columns: true }) as Record<string, string>[];
    const header = Object.keys(records[0]!);
    expect(header).not.toContain("InvoiceId");
    for (const h of header)
      expect(FOCUS_COLUMNS.some((c) => c.name === h) || h.startsWith("x_"), h).toBe(true);
    for (const r of records) {
      for (const c of [
        "PricingQuantity",
        "ConsumedQuantity",
        "BilledCost",
        "ListCost",
        "EffectiveCost",
        "ContractedCost",
      ])
        expect(r[c], c).toMatch(/^-?\d+\.\d+$/);
    }

    // a second workspace with the same people imports the file as a FOCUS file connection
    const target = await makeWorkspace(db);
    for (const m of await db.member.findMany({ where: { workspaceId: sim.workspace.id } }))
      await makeMember(db, target.id, { email: m.email, name: m.name });
    const connection = await db.connection.create({
      data: { workspaceId: target.id, kind: "file", name: "focus.csv" },
    });
    const run = await runSync({
      db,
      connectionId: connection.id,
      adapter: fileAdapter({ name: "focus.csv", text, rateCard: seedRateCard() }),
      window: period,
    });
    expect(run.status).toBe("SUCCEEDED");

    const byKey = async (workspaceId: string) => {
      const members = new Map(
        (await db.member.findMany({ where: { workspaceId } })).map((m) => [m.id, m.email]),
      );
      const rows = await db.usageDailyRollup.findMany({
        where: { workspaceId, day: { gte: period.start, lte: period.end } },
      });
      return new Map(
        rows.map((r) => [
          [r.day, members.get(r.memberKey) ?? r.memberKey, r.product, r.model, r.provider].join(
            "|",
          ),
          [
            r.costMicros,
            r.estimatedCostMicros,
            r.creditsMicros,
            r.inputTokens,
            r.cachedInputTokens,
            r.outputTokens,
            r.requests,
            r.seatEstimateMicros,
          ].join(","),
        ]),
      );
    };
    const before = await byKey(sim.workspace.id);
    const after = await byKey(target.id);
    expect(before.size).toBe(records.length);
    expect([...before.values()].filter((v) => v.startsWith("0,"))).toEqual([
      "0,0,0,5000,1000,700,0,1234567",
    ]); // the simulator bills every row; the seat row is not billed
    expect(new Set([...before.keys()].map((k) => k.split("|")[1])).size).toBeGreaterThan(5); // several people, and the unattributed ""
    expect(after).toEqual(before);

    // the older column names still import: x_UserEmail for the person, ResourceName for the model
    const old =
      "ChargePeriodStart,BilledCost,BillingCurrency,ProviderName,ServiceName,ResourceName,ConsumedQuantity,ConsumedUnit,x_UserEmail\r\n2026-11-09T00:00:00Z,2.5E-1,USD,OpenAI,codex,gpt-5,1.2E3,Tokens,alice@old.example\r\n";
    const [legacy] = await fileAdapter({ name: "old.csv", text: old, rateCard: seedRateCard() })
      .pages(period, null, {})
      [Symbol.asyncIterator]()
      .next()
      .then((r) => r.value!.rows);
    expect(legacy).toMatchObject({
      model: "gpt-5",
      product: "codex",
      provider: "openai",
      costMicros: 250_000n,
      inputTokens: 1_200n,
      identity: { kind: "email", externalId: "alice@old.example" },
    });
  });
});
