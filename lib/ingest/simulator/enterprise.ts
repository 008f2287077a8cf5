/**
 * A deterministic, believable enterprise: people, groups with cost centers and managers,
 * and daily usage with a weekday and sprint rhythm, a few heavy users, one runaway spike
 * in the last week and some traffic that maps to no person. The same parameters always
 * give the same data, whatever window is asked for.
 */
import { usdToCredits } from "../../core/money";
import { addDays, daysBetween, dayStart, type DayKey } from "../../core/period";
import { priceTokens } from "../pricing";
import type { Directory, DirectoryGroup, DirectoryPerson, UsageRow } from "../types";
import { PRODUCT_PROFILES, SIM_MODELS, type ProductProfile } from "./catalog";
import { hash32, normal, pick, rng, streamFor } from "./random";

export interface EnterpriseSpec {
  seed: number;
  /** email domain of the people */
  domain: string;
  members: number;
  groups: number;
  /** last simulated day (inclusive); the runaway spike sits in the 7 days before it */
  endDay: DayKey;
  /** micro-USD per credit, to report native credits for ChatGPT / Codex */
  usdPerCreditMicros: bigint;
  /** include the five demo people (owner@, admin@, finance@, manager@, engineer@) */
  demoPeople: boolean;
  /** automation-only tenant: API keys, no people behind the traffic */
  automationOnly?: boolean;
}

const GROUP_NAMES = [
  "Platform",
  "Payments",
  "Mobile",
  "Web",
  "Data",
  "ML Research",
  "Infrastructure",
  "Security",
  "Developer Experience",
  "Growth",
  "Search",
  "Billing",
  "Identity",
  "Observability",
  "QA Automation",
];
const FIRST = [
  "Ava",
  "Ben",
  "Chloe",
  "Dev",
  "Elena",
  "Farid",
  "Grace",
  "Hiro",
  "Ines",
  "Jonas",
  "Kai",
  "Lena",
  "Mateo",
  "Nora",
  "Omar",
  "Priya",
  "Quinn",
  "Rosa",
  "Sven",
  "Tara",
  "Uma",
  "Victor",
  "Wen",
  "Ximena",
  "Yusuf",
  "Zoe",
];
const LAST = [
  "Adams",
  "Bauer",
  "Chen",
  "Diaz",
  "Eriksen",
  "Fischer",
  "Garcia",
  "Haddad",
  "Ito",
  "Jensen",
  "Kowalski",
  "Larsen",
  "Moreau",
  "Nakamura",
  "Okafor",
  "Patel",
  "Quist",
  "Rossi",
  "Silva",
  "Tanaka",
  "Ueda",
  "Varga",
  "Weber",
  "Xu",
  "Yilmaz",
  "Zhang",
];

export const DEMO_PEOPLE = [
  { local: "owner", name: "Olivia Owner", role: "OWNER" },
  { local: "admin", name: "Adam Admin", role: "ADMIN" },
  { local: "finance", name: "Fiona Finance", role: "FINANCE" },
  { local: "manager", name: "Maya Manager", role: "MEMBER" },
  { local: "engineer", name: "Eli Engineer", role: "MEMBER" },
] as const;

interface SimPerson extends DirectoryPerson {
  index: number;
  intensity: number;
  products: { profile: ProductProfile; weight: number }[];
  openaiUserId: string;
}

export interface Enterprise {
  spec: EnterpriseSpec;
  directory: Directory;
  people: SimPerson[];
  /** the person whose agent runs away in the last week */
  runawayEmail: string | null;
}

function groupName(i: number): string {
  return GROUP_NAMES[i] ?? `Team ${String(i + 1).padStart(3, "0")}`;
}

function costCenterOf(i: number): string {
  return `CC-${1000 + i * 10}`;
}

export function buildEnterprise(spec: EnterpriseSpec): Enterprise {
  const next = rng(hash32(`directory|${spec.seed}|${spec.domain}`));
  const groupCount = Math.max(1, spec.groups);
  const groups: DirectoryGroup[] = Array.from({ length: groupCount }, (_, i) => ({
    name: groupName(i),
    costCenter: costCenterOf(i),
    memberEmails: [],
    managerEmails: [],
  }));
  const people: SimPerson[] = [];
  const usedEmails = new Set<string>();
  const usedUserIds = new Set<string>();
  const nextNumber = new Map<string, number>();

  for (let i = 0; i < spec.members; i++) {
    const demo = spec.demoPeople ? DEMO_PEOPLE[i] : undefined;
    let email: string;
    let name: string;
    if (demo) {
      email = `${demo.local}@${spec.domain}`;
      name = demo.name;
    } else {
      const first = pick(next, FIRST);
      const last = pick(next, LAST);
      name = `${first} ${last}`;
      const base = `${first}.${last}`.toLowerCase();
      email = `${base}@${spec.domain}`;
      // a name's next free number is kept: with a few hundred names, probing from 2 each time
      // was 30 million lookups for 200,000 people
      let n = nextNumber.get(base) ?? 2;
      for (; usedEmails.has(email); n++) email = `${base}${n}@${spec.domain}`;
      nextNumber.set(base, n);
    }
    usedEmails.add(email);
    // Demo manager and engineer sit in Platform (group 0); everyone else spreads out.
    const home = demo
      ? demo.local === "manager" || demo.local === "engineer"
        ? 0
        : Math.floor(next() * groupCount)
      : Math.floor(next() * groupCount);
    const homeGroup = groups[home]!;
    homeGroup.memberEmails.push(email);
    if (next() < 0.12 && groupCount > 1) {
      const second = groups[(home + 1 + Math.floor(next() * (groupCount - 1))) % groupCount]!;
      second.memberEmails.push(email);
    }
    const heavy = next() < 0.015;
    const intensity = Math.exp(normal(next) * 0.55) * (heavy ? 6 : 1);
    const products = PRODUCT_PROFILES.filter(
      (p) => demo?.local === "engineer" || next() < p.adoption,
    ).map((profile) => ({
      profile,
      weight: 0.5 + next(),
    }));
    // a 32-bit hash of 200,000 addresses collides about five times; OpenAI's user ids never do
    const hashedId = `user_${hash32(email).toString(36)}`;
    let openaiUserId = hashedId;
    for (let n = 2; usedUserIds.has(openaiUserId); n++) openaiUserId = `${hashedId}_${n}`;
    usedUserIds.add(openaiUserId);
    people.push({
      index: i,
      email,
      name,
      role: demo?.role ?? "MEMBER",
      costCenter: homeGroup.costCenter,
      intensity,
      products,
      openaiUserId,
      identities: [
        { provider: "openai", kind: "user_id", externalId: openaiUserId, email },
        { provider: "anthropic", kind: "email", externalId: email, email },
      ],
    });
  }

  // One manager per group: the demo manager runs Platform (and Mobile), others the first member.
  for (const [i, g] of groups.entries()) {
    const demoManager =
      spec.demoPeople && (i === 0 || i === 2) ? `manager@${spec.domain}` : undefined;
    const manager = demoManager ?? g.memberEmails.find((e) => !e.startsWith("engineer@"));
    if (manager) g.managerEmails.push(manager);
  }

  const runaway = people.find(
    (p) =>
      p.role === "MEMBER" &&
      !p.email.startsWith("manager@") &&
      !p.email.startsWith("engineer@") &&
      p.products.some((x) => x.profile.product === "codex"),
  );
  return {
    spec,
    directory: {
      source: "allotment",
      people,
      groups: groups.filter((g) => g.memberEmails.length > 0),
    },
    people,
    runawayEmail: spec.automationOnly ? null : (runaway?.email ?? null),
  };
}

/** Weekday, sprint and growth rhythm for a day: roughly 0.1 on Sundays to 1.3 before a sprint ends. */
function dayFactor(day: DayKey): number {
  const weekday = dayStart(day).getUTCDay(); // 0 = Sunday
  const week = weekday === 0 ? 0.08 : weekday === 6 ? 0.15 : 1;
  const sprintDay = ((daysBetween("2026-01-05", day) % 14) + 14) % 14;
  const sprint = 0.85 + (sprintDay / 13) * 0.45;
  return week * sprint;
}

function tokensRow(
  e: Enterprise,
  day: DayKey,
  person: SimPerson | null,
  profile: ProductProfile,
  modelName: string,
  scale: number,
  identityKey: string,
  apiKey: string,
): UsageRow {
  const next = streamFor(e.spec.seed, "tokens", day, identityKey, profile.product, modelName);
  const model = SIM_MODELS[modelName];
  if (!model) throw new Error(`simulator: unknown model ${modelName}`);
  const input = Math.max(
    1000,
    Math.round(profile.meanInput * scale * Math.exp(normal(next) * 0.35)),
  );
  const cached = Math.round(input * profile.cacheRatio * (0.7 + next() * 0.6));
  const cachedInput = Math.min(cached, input);
  const output = Math.max(50, Math.round(input * profile.outputRatio * (0.7 + next() * 0.6)));
  const requests = Math.max(1, Math.round(input / profile.tokensPerRequest));
  const inputTokens = BigInt(input);
  const cachedInputTokens = BigInt(cachedInput);
  const outputTokens = BigInt(output);
  const cost = priceTokens(model.price, {
    uncachedInput: inputTokens - cachedInputTokens,
    cachedInput: cachedInputTokens,
    output: outputTokens,
  });
  const creditsNative = profile.product === "chatgpt" || profile.product === "codex";
  return {
    day,
    provider: model.provider,
    identity: person
      ? profile.product === "claude_code" || model.provider === "anthropic"
        ? { provider: "anthropic", kind: "email", externalId: person.email, email: person.email }
        : {
            provider: "openai",
            kind: "user_id",
            externalId: person.openaiUserId,
            email: person.email,
          }
      : { provider: model.provider, kind: "api_key_id", externalId: apiKey },
    product: profile.product,
    model: modelName,
    project: person ? `proj_${profile.product}` : "proj_automation",
    apiKey,
    lineItem: "",
    inputTokens,
    cachedInputTokens,
    outputTokens,
    requests: BigInt(requests),
    estimatedCostMicros: cost,
    costMicros: cost,
    creditsMicros: creditsNative ? usdToCredits(cost, e.spec.usdPerCreditMicros) : null,
    unpriced: false,
  };
}

const AUTOMATION_KEYS = ["key_ci_pipeline", "key_nightly_evals", "key_release_bot"];

/** All usage rows for one UTC day, in a stable order. */
export function usageForDay(e: Enterprise, day: DayKey): UsageRow[] {
  const rows: UsageRow[] = [];
  const base = dayFactor(day);
  const spikeStart = addDays(e.spec.endDay, -6);
  const inSpike = day >= spikeStart && day <= addDays(spikeStart, 2);
  const apiProfile = PRODUCT_PROFILES.find((p) => p.product === "api")!;

  if (!e.spec.automationOnly) {
    for (const person of e.people) {
      const next = streamFor(e.spec.seed, "active", day, person.index);
      const activeChance = Math.min(0.97, 0.78 * base + (person.intensity > 3 ? 0.15 : 0));
      if (next() > activeChance) continue;
      for (const { profile, weight } of person.products) {
        if (next() > 0.55 + weight * 0.3) continue;
        const modelName = weightedModel(next, profile);
        let scale = person.intensity * weight * (0.6 + base * 0.5);
        if (inSpike && person.email === e.runawayEmail && profile.product === "codex") scale *= 150;
        rows.push(
          tokensRow(
            e,
            day,
            person,
            profile,
            modelName,
            scale,
            person.email,
            person.products.length && profile.product === "api"
              ? `key_${hash32(person.email).toString(36)}`
              : "",
          ),
        );
      }
    }
  }
  // Automation traffic on shared keys: real spend that maps to no person.
  const keys = e.spec.automationOnly ? AUTOMATION_KEYS : AUTOMATION_KEYS.slice(0, 1);
  const scaleBase = e.spec.automationOnly ? 3 : Math.max(1, e.people.length / 80);
  for (const key of keys) {
    for (const modelName of ["gpt-5-mini", "claude-haiku-4-5"]) {
      rows.push(
        tokensRow(e, day, null, apiProfile, modelName, scaleBase * (0.5 + base * 0.5), key, key),
      );
    }
  }
  return rows;
}

function weightedModel(next: () => number, profile: ProductProfile): string {
  const total = profile.models.reduce((s, [, w]) => s + w, 0);
  let r = next() * total;
  for (const [name, w] of profile.models) {
    r -= w;
    if (r <= 0) return name;
  }
  return profile.models[0]![0];
}
