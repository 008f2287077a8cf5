/**
 * The streamed FOCUS 1.2 CSV, byte for byte, against a golden file written the
 * straightforward way: every daily rollup row of the period read through the ORM in key
 * order, each column's text spelled out from the rules in lib/exports/focus.ts's header
 * comment (money through microsToDecimal, integers through bigint, dates through
 * toISOString, text through textField) and joined per line. The stream builds its lines
 * from cached, pre-encoded pieces and writes numbers straight into its output blocks;
 * none of that may change a byte: hostile text in every kind of text cell, a deleted
 * person, the unattributed key, an unknown model and provider, negative amounts and sums
 * beyond 2^53 (read exactly), across page boundaries.
 */
import { describe, expect, it } from "vitest";

import { microsToDecimal } from "@/lib/core/money";
import { addDays, type Period } from "@/lib/core/period";
import { textField } from "@/lib/exports/csv";
import { focusCsvStream } from "@/lib/exports/focus";
import { FOCUS_HEADER } from "@/lib/exports/focus-spec";
import type { Db } from "@/lib/server/db";

import { testDb } from "../helpers/db";
import { syncedSimulatedWorkspace } from "../helpers/simulator";

const iso = (day: string) => `${day}T00:00:00Z`;

async function goldenFocusCsv(
  db: Db,
  workspace: { id: string; name: string },
  period: Period,
): Promise<string> {
  const members = new Map(
    (await db.member.findMany({ where: { workspaceId: workspace.id } })).map((m) => [m.id, m]),
  );
  const rollup = await db.usageDailyRollup.findMany({
    where: { workspaceId: workspace.id, day: { gte: period.start, lte: period.end } },
    orderBy: [
      { day: "asc" },
      { memberKey: "asc" },
      { product: "asc" },
      { model: "asc" },
      { provider: "asc" },
    ],
  });
  const providerName = (p: string) =>
    ({ openai: "OpenAI", anthropic: "Anthropic" })[p] ??
    (p ? p[0]!.toUpperCase() + p.slice(1) : "Unknown");
  const serviceName = (p: string) =>
    ({ chatgpt: "ChatGPT", codex: "Codex", api: "API", claude_code: "Claude Code" })[p] ?? p;
  const lines = [FOCUS_HEADER.join(",")];
  for (const r of rollup) {
    const person = r.memberKey ? members.get(r.memberKey) : undefined;
    const [y, m] = r.day.split("-").map(Number) as [number, number];
    const month = (offset: number) => new Date(Date.UTC(y, m - 1 + offset, 1)).toISOString();
    const describe = `${providerName(r.provider)} ${serviceName(r.product)} usage of ${r.model || "unknown model"}`;
    const cost = microsToDecimal(r.costMicros);
    const tokens = `${r.inputTokens + r.outputTokens}.0`;
    const cells: Record<string, string> = {
      BilledCost: cost,
      BillingAccountId: textField(workspace.id),
      BillingAccountName: textField(workspace.name),
      BillingAccountType: "Workspace",
      BillingCurrency: "USD",
      BillingPeriodEnd: month(1).replace(".000Z", "Z"),
      BillingPeriodStart: month(0).replace(".000Z", "Z"),
      ChargeCategory: "Usage",
      ChargeDescription: textField(
        person ? `${describe} by ${person.email}` : `${describe} (unattributed)`,
      ),
      ChargeFrequency: "Usage-Based",
      ChargePeriodEnd: iso(addDays(r.day, 1)),
      ChargePeriodStart: iso(r.day),
      ConsumedQuantity: tokens,
      ConsumedUnit: "Tokens",
      ContractedCost: cost,
      EffectiveCost: cost,
      InvoiceIssuerName: textField(providerName(r.provider)),
      ListCost: microsToDecimal(r.estimatedCostMicros),
      PricingCategory: "Standard",
      PricingCurrency: "USD",
      PricingQuantity: tokens,
      PricingUnit: "Tokens",
      ProviderName: textField(providerName(r.provider)),
      PublisherName: textField(providerName(r.provider)),
      ServiceCategory: "AI and Machine Learning",
      ServiceName: textField(serviceName(r.product)),
      ServiceSubcategory: "Generative AI",
      SkuId: textField(r.model),
      x_MemberEmail: person ? textField(person.email) : "",
      x_MemberName: person ? textField(person.name) : "",
      x_CostCenter: person?.costCenter != null ? textField(person.costCenter) : "",
      x_Provider: textField(r.provider),
      x_Product: textField(r.product),
      x_Model: textField(r.model),
      x_InputTokens: r.inputTokens.toString(),
      x_CachedInputTokens: r.cachedInputTokens.toString(),
      x_OutputTokens: r.outputTokens.toString(),
      x_Requests: r.requests.toString(),
      x_Credits: microsToDecimal(r.creditsMicros),
      x_SeatEstimatedCost: microsToDecimal(r.seatEstimateMicros),
    };
    lines.push(FOCUS_HEADER.map((h) => cells[h] ?? "").join(","));
  }
  return lines.map((l) => `${l}\r\n`).join("");
}

describe("FOCUS CSV against a straightforward golden file", () => {
  it("is byte-identical, whatever the text, the amounts and the page size", async () => {
    const db = await testDb();
    const period = { start: "2026-10-27", end: "2026-11-06" };
    const sim = await syncedSimulatedWorkspace(
      db,
      { members: 14, endDay: "2026-11-22", seed: 7 },
      period,
    );
    const ws = await db.workspace.update({
      where: { id: sim.workspace.id },
      data: { name: 'Acme, "AI" division' },
    });
    const workspace = { id: ws.id, name: ws.name };
    const people = await db.usageDailyRollup.findMany({
      where: { workspaceId: ws.id, memberKey: { not: "" } },
      distinct: ["memberKey"],
      orderBy: { memberKey: "asc" },
      take: 5,
    });
    expect(people.length).toBe(5);
    const [a, b, c, d, gone] = people.map((p) => p.memberKey) as [
      string,
      string,
      string,
      string,
      string,
    ];
    // text a spreadsheet would run, text that needs quotes, a space at either end, no cost center
    await db.member.update({
      where: { id: a },
      data: { name: '=HYPERLINK("http://evil.example","x")', costCenter: "+CC-EVIL" },
    });
    await db.member.update({
      where: { id: b },
      data: { email: "-cmd@evil.example", name: "Doe, Jane", costCenter: null },
    });
    await db.member.update({
      where: { id: c },
      data: { email: "trailing@space.example ", name: " Lead", costCenter: "@CC" },
    });
    await db.member.update({
      where: { id: d },
      data: { email: 'quo"te@x.example', name: "Zoë Ünïcode" },
    });
    // a person deleted after their usage: their rows are written unattributed
    await db.memberIdentity.deleteMany({ where: { memberId: gone } });
    await db.groupMember.deleteMany({ where: { memberId: gone } });
    await db.groupManager.deleteMany({ where: { memberId: gone } });
    await db.member.delete({ where: { id: gone } });
    // rows of unusual keys and amounts: an unknown provider and product, no model, a model that
    // needs quotes or starts like a formula, a negative amount, sums beyond 2^53 (exact path)
    const big = 2n ** 60n + 12_345n;
    const extra = [
      {
        memberKey: a,
        product: "cursor",
        model: "",
        provider: "anysphere",
        costMicros: -1_500_000n,
      },
      { memberKey: b, product: "codex", model: "gpt-5, high", provider: "openai", costMicros: 7n },
      { memberKey: "", product: "api", model: "=SUM(A1)", provider: "", costMicros: 0n },
      {
        memberKey: c,
        product: "claude_code",
        model: " opus",
        provider: "anthropic",
        costMicros: big,
      },
      {
        memberKey: d,
        product: "codex",
        model: "gpt-5",
        provider: "zz",
        costMicros: 3n,
        inputTokens: big,
        outputTokens: big,
      },
    ].map((r, i) => ({
      workspaceId: ws.id,
      day: addDays(period.start, i * 2),
      estimatedCostMicros: 12n,
      creditsMicros: -4n,
      cachedInputTokens: 5n,
      requests: 1n,
      seatEstimateMicros: 999_999n,
      ...r,
    }));
    await db.usageDailyRollup.createMany({ data: extra });

    const golden = await goldenFocusCsv(db, workspace, period);
    const lines = golden.split("\r\n").length - 2;
    expect(lines).toBeGreaterThan(100); // 160–250 seen: the simulated rows vary from run to run
    for (const cell of [
      `"'=HYPERLINK(""http://evil.example"",""x"")"`,
      "'+CC-EVIL",
      "'-cmd@evil.example",
      '"Doe, Jane"',
      '"trailing@space.example "',
      '" Lead"',
      "'@CC",
      '"quo""te@x.example"',
      "Zoë Ünïcode",
      '"gpt-5, high"',
      "'=SUM(A1)",
      "-1.500000",
      `${big / 1_000_000n}.${(big % 1_000_000n).toString().padStart(6, "0")}`,
      `${2n * big}.0`,
      "Anysphere cursor usage of unknown model by",
      "Unknown API usage of =SUM(A1) (unattributed)",
    ])
      expect(golden, cell).toContain(cell);

    for (const chunkSize of [1, 7, undefined]) {
      const text = await new Response(focusCsvStream(db, { workspace, period, chunkSize })).text();
      expect(text, `pages of ${chunkSize ?? "default"}`).toBe(golden);
    }
  }, 120_000);
});
