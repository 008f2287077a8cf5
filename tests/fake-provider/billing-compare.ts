/**
 * Runs the billing scenario through runSync into a fresh database and prints the billed
 * totals per provider and per person (and seat estimates where the schema has them), next to
 * the scenario's truth — for comparing two versions of the code (the issue 16 note). Usage:
 *   DATABASE_URL=file:./data/compare-billing.db tsx --conditions=react-server tests/fake-provider/billing-compare.ts [full|usd]
 */
import { anthropicAdapter } from "../../lib/ingest/adapters/anthropic";
import { openaiAdapter } from "../../lib/ingest/adapters/openai";
import { runSync } from "../../lib/ingest/sync";
import { buildRateCard, type RateCardVersion } from "../../lib/ratecard/rate-card";
import { createDb, prepareDb } from "../../lib/server/db";
import { billingScenarioData } from "./billing-data";
import {
  MAPPED_IDENTITIES,
  PEOPLE,
  SCENARIO_PRICES,
  SCENARIO_RATES,
  SCENARIO_WINDOW,
} from "./billing-scenario";
import { billingTruth } from "./billing-truth";
import { startFakeProvider } from "./server";

const usdOnly = process.argv[2] === "usd";
const url = process.env.DATABASE_URL!;
const db = createDb(url);
await prepareDb(db);
const fake = await startFakeProvider();
fake.data = billingScenarioData({ usdOnly });
const ws = await db.workspace.create({
  data: {
    slug: `cmp-${Date.now()}`,
    name: "Compare",
    budgetUnit: "USD",
    usdPerCreditMicros: 1_000_000n,
  },
});
const ids = new Map<string, string>();
for (const p of PEOPLE)
  ids.set(
    p.email,
    (await db.member.create({ data: { workspaceId: ws.id, email: p.email, name: p.name } })).id,
  );
for (const i of MAPPED_IDENTITIES)
  await db.memberIdentity.create({
    data: {
      workspaceId: ws.id,
      memberId: ids.get(i.email)!,
      provider: i.provider,
      kind: i.kind,
      externalId: i.externalId,
    },
  });
const rates = (db as unknown as { exchangeRate?: { createMany(a: unknown): Promise<unknown> } })
  .exchangeRate;
if (rates)
  await rates.createMany({ data: SCENARIO_RATES.map((r) => ({ workspaceId: ws.id, ...r })) });
const versions: RateCardVersion[] = [];
for (const provider of ["openai", "anthropic"] as const)
  for (const [model, price] of Object.entries(SCENARIO_PRICES[provider]))
    versions.push({ provider, model, effectiveFrom: "", price: { ...price } });
const common = {
  pageLimit: 7,
  rateCard: buildRateCard(versions),
  retry: { attempts: 2, baseDelayMs: 10, maxDelayMs: 100, timeoutMs: 5000 },
};
for (const kind of ["openai", "anthropic"] as const) {
  const baseUrl = kind === "openai" ? fake.openaiBase : fake.anthropicBase;
  const c = await db.connection.create({ data: { workspaceId: ws.id, kind, name: kind, baseUrl } });
  const adapter =
    kind === "openai"
      ? openaiAdapter({ ...common, baseUrl, apiKey: "sk-admin-fake-openai" })
      : anthropicAdapter({ ...common, baseUrl, apiKey: "sk-ant-admin-fake" });
  const r = await runSync({
    db,
    connectionId: c.id,
    adapter,
    window: SCENARIO_WINDOW,
  });
  console.log(JSON.stringify({ kind, status: r.status, error: r.error ?? null }));
}
const rows = await db.usageRecord.findMany({
  where: { workspaceId: ws.id },
  include: { member: { select: { email: true } } },
});
const out: Record<string, Record<string, string>> = { billed: {}, seat: {}, truthBilled: {} };
const add = (m: Record<string, string>, k: string, v: bigint) =>
  (m[k] = String(BigInt(m[k] ?? "0") + v));
for (const r of rows) {
  const person = r.member?.email ?? "(none)";
  add(out.billed!, `${r.provider}`, r.costMicros);
  add(out.billed!, `${r.provider}|${person}`, r.costMicros);
  const seat = (r as unknown as { seatEstimateMicros?: bigint }).seatEstimateMicros ?? 0n;
  if (seat) add(out.seat!, person, seat);
}
const truth = billingTruth({ usdOnly });
for (const [k, v] of Object.entries({ ...truth.billedByProvider, ...truth.billedByPerson }))
  out.truthBilled![k] = String(v);
console.log(JSON.stringify(out, null, 1));
await fake.close();
await db.$disconnect();
process.exit(0);
