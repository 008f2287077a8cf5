import { describe, expect, it } from "vitest";

import { seedRateCard } from "../../ratecard/rate-card";
import { detectFormat, fileAdapter, parseUsageFile } from "./file";

const card = seedRateCard();

describe("file adapter", () => {
  it("reads Allotment CSV, pricing rows without a cost from the rate card and flagging unknown models", () => {
    const csv = [
      "day,provider,product,model,user_email,input_tokens,cached_input_tokens,output_tokens,requests,cost_usd",
      "2026-11-01,openai,codex,gpt-5,Alice@Acme.example,1000000,200000,100000,12,",
      "2026-11-01,openai,chatgpt,,bob@acme.example,0,0,0,0,12.345678",
      "2026-11-02,acme-llm,api,mystery-1,,10,0,10,1,",
    ].join("\n");
    const rows = parseUsageFile("usage.csv", csv, card);
    expect(rows).toHaveLength(3);
    // 800k uncached × 1.25 + 200k cached × 0.125 + 100k × 10 (µUSD per token)
    expect(rows[0]!.estimatedCostMicros).toBe(1_000_000n + 25_000n + 1_000_000n);
    expect(rows[0]!.costMicros).toBe(rows[0]!.estimatedCostMicros);
    expect(rows[0]!.identity).toMatchObject({ kind: "email", externalId: "alice@acme.example" });
    expect(rows[1]!.costMicros).toBe(12_345_678n);
    expect(rows[2]!.unpriced).toBe(true);
    expect(rows[2]!.costMicros).toBe(0n);
  });

  it("reads JSONL", () => {
    const text =
      '{"day":"2026-11-03","provider":"anthropic","product":"claude_code","user_email":"c@x.example","cost_usd":"1.5"}\n\n';
    const [row] = parseUsageFile("u.jsonl", text, card);
    expect(row).toMatchObject({
      day: "2026-11-03",
      product: "claude_code",
      costMicros: 1_500_000n,
    });
  });

  it("reads FOCUS 1.2 CSV", () => {
    const csv = [
      "BilledCost,BillingCurrency,ChargePeriodStart,ChargePeriodEnd,ProviderName,ServiceName,ResourceName,SubAccountId,ChargeDescription,ConsumedQuantity,ConsumedUnit",
      "3.456789,USD,2026-11-04T00:00:00Z,2026-11-05T00:00:00Z,OpenAI,ChatGPT Enterprise,gpt-5,proj_x,Credits,1200,Tokens",
    ].join("\n");
    expect(detectFormat("focus.csv", csv)).toBe("focus-csv");
    const [row] = parseUsageFile("focus.csv", csv, card);
    expect(row).toMatchObject({
      day: "2026-11-04",
      provider: "openai",
      product: "ChatGPT Enterprise",
      costMicros: 3_456_789n,
      inputTokens: 1200n,
    });
  });

  it("reads the columns Allotment's FOCUS export writes, and numbers in E notation", () => {
    const csv = [
      "BilledCost,BillingCurrency,ChargePeriodStart,ChargeDescription,ConsumedQuantity,ConsumedUnit,ListCost,ProviderName,ServiceName,SkuId,x_MemberEmail,x_Provider,x_Product,x_Model,x_InputTokens,x_CachedInputTokens,x_OutputTokens,x_Requests,x_Credits",
      "1.5E-2,USD,2026-11-04T00:00:00Z,OpenAI Codex usage of gpt-5 by a@x.example,1.3E3,Tokens,0.020000,OpenAI,Codex,gpt-5,A@x.example,openai,codex,gpt-5,1.2E3,200.0,100.0,7.0,0.5",
    ].join("\n");
    const [row] = parseUsageFile("focus.csv", csv, card);
    expect(row).toMatchObject({
      day: "2026-11-04",
      provider: "openai",
      product: "codex",
      model: "gpt-5",
      costMicros: 15_000n,
      estimatedCostMicros: 20_000n,
      creditsMicros: 500_000n,
      inputTokens: 1_200n,
      cachedInputTokens: 200n,
      outputTokens: 100n,
      requests: 7n,
      identity: { kind: "email", externalId: "a@x.example" },
      lineItem: "OpenAI Codex usage of gpt-5 by a@x.example",
    });
    expect(() => parseUsageFile("focus.csv", csv.replace("1.5E-2", "1.5E+2"), card)).toThrow(
      /row 2, column BilledCost: expected a number/,
    );
    expect(() => parseUsageFile("focus.csv", csv.replace(",200.0,", ",2000.0,"), card)).toThrow(
      /x_CachedInputTokens: larger than x_InputTokens/,
    );
  });

  it("names the row and column of a bad value", () => {
    const csv =
      "day,provider,product,input_tokens\n2026-11-01,openai,api,12\n2026-11-01,openai,api,twelve\n";
    expect(() => parseUsageFile("bad.csv", csv, card)).toThrow(
      "bad.csv: row 3, column input_tokens: expected a whole number",
    );
    expect(() =>
      parseUsageFile("bad.csv", "day,provider,product\n11/01/2026,openai,api\n", card),
    ).toThrow(/row 2, column day: expected a day/);
    expect(() =>
      parseUsageFile(
        "f.csv",
        "BilledCost,BillingCurrency,ChargePeriodStart,ProviderName\n1,EUR,2026-11-01,OpenAI\n",
        card,
      ),
    ).toThrow(/row 2, column BillingCurrency: only USD/);
    expect(() => parseUsageFile("u.jsonl", '{"day":"2026-11-01"\n', card)).toThrow(
      /line 1: not valid JSON/,
    );
  });

  it("states the file's days completely, within the window", async () => {
    const csv = "day,provider,product,cost_usd\n2026-11-01,x,api,1\n2026-11-05,x,api,2\n";
    const pages = [];
    for await (const p of fileAdapter({ name: "a.csv", text: csv, rateCard: card }).pages(
      { start: "2026-11-01", end: "2026-11-03" },
      null,
      {},
    ))
      pages.push(p);
    expect(pages).toHaveLength(1);
    expect(pages[0]!.completeDays).toEqual(["2026-11-01"]);
    expect(pages[0]!.rows).toHaveLength(1);
  });
});
