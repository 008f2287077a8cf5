/**
 * The limit simulator (issue 20's target: ≤ 2 s for a change on a 20,000-member group).
 * A group holding every member is made for the section (its memberships and group totals
 * kept as the people screens keep them) and four group-limit changes on it are simulated
 * over the last 3 periods and the current one, on top of whatever limits earlier sections
 * left (the limits section's default and pooled group limits):
 *   - a limit above everyone's month (nobody refused: every person settled by their total),
 *   - at the 90th percentile of last month's per-person spend (some refused),
 *   - at the 40th percentile (about 60 % refused: their day rows are read and replayed),
 *   - a pool of half last month's group spend (everyone refused from mid-month on).
 * Each is timed cold (its first run, with what the cases before it kept), from nothing kept
 * (the simulator's kept reads forgotten: a first simulation in a fresh server) and warm; each
 * answer is hashed whole (every run must give the same), so a change to the simulator's speed
 * can show that its answers did not move. The group is removed again at the end so later runs
 * and sections see the dataset as built.
 */
import { createHash } from "node:crypto";

import { loadActor } from "../../lib/auth/actor";
import { addDays, periodContaining } from "../../lib/core/period";
import { forgetKeptReads } from "../../lib/limits/kept-reads";
import { memberDecider, simulate } from "../../lib/limits/simulate";
import { simulateSchema } from "../../lib/limits/simulate-input";
import { membershipTotalsChanged } from "../../lib/rollups/people-moves";
import type { Db } from "../../lib/server/db";
import { latency, round, sample, timed } from "../stats";
import type { BenchContext, Section } from "./index";

const GROUP_NAME = "Bench: everyone (simulator)";
const TARGET_MS = 2_000;

async function everyoneGroup(ctx: BenchContext): Promise<{ id: string; members: number }> {
  const { db, workspaceId } = ctx;
  await dropGroup(db, workspaceId); // a run stopped part-way may have left it
  const members = await db.member.findMany({
    where: { workspaceId, active: true },
    select: { id: true },
  });
  const group = await db.group.create({
    data: { workspaceId, name: GROUP_NAME, costCenter: "BENCH-SIM" },
  });
  await db.$transaction(
    async (tx) => {
      for (let i = 0; i < members.length; i += 5_000)
        await tx.groupMember.createMany({
          data: members.slice(i, i + 5_000).map((m) => ({ groupId: group.id, memberId: m.id })),
        });
      await membershipTotalsChanged(
        tx,
        workspaceId,
        members.map((m) => ({ groupId: group.id, memberId: m.id, delta: 1 as const })),
      );
    },
    { timeout: 600_000 },
  );
  return { id: group.id, members: members.length };
}

async function dropGroup(db: Db, workspaceId: string): Promise<void> {
  const group = await db.group.findFirst({ where: { workspaceId, name: GROUP_NAME } });
  if (!group) return;
  const pairs = await db.groupMember.findMany({
    where: { groupId: group.id },
    select: { memberId: true },
  });
  await db.$transaction(
    async (tx) => {
      await tx.group.delete({ where: { id: group.id } }); // memberships cascade
      await membershipTotalsChanged(
        tx,
        workspaceId,
        pairs.map((p) => ({ groupId: group.id, memberId: p.memberId, delta: -1 as const })),
      );
    },
    { timeout: 600_000 },
  );
}

/** Last full month's per-person spend in the budget unit, ascending (whole units). */
async function lastMonthSpend(ctx: BenchContext): Promise<{ perPerson: bigint[]; unit: string }> {
  const ws = await ctx.db.workspace.findUniqueOrThrow({
    where: { id: ctx.workspaceId },
    select: { budgetUnit: true },
  });
  const month = periodContaining(
    addDays(periodContaining(ctx.spec.endDay, "MONTHLY").start, -1),
    "MONTHLY",
  );
  const rows = await ctx.db.usageMemberMonthTotal.findMany({
    where: { workspaceId: ctx.workspaceId, month: month.start.slice(0, 7), memberKey: { not: "" } },
    select: { creditsMicros: true, costMicros: true },
  });
  const perPerson = rows
    .map((r) => (ws.budgetUnit === "USD" ? r.costMicros : r.creditsMicros) / 1_000_000n)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { perPerson, unit: ws.budgetUnit };
}

function at(sorted: bigint[], q: number): bigint {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : 0n;
}

/**
 * The whole answer (counts, spend stopped, groups, the listed people), hashed; the section's
 * group, made anew each run, under one name, so runs on the same dataset compare.
 */
function answerHash(answer: unknown, groupId: string): string {
  const text = JSON.stringify(answer, (_k, v: unknown) =>
    typeof v === "bigint" ? v.toString() : v === groupId ? "(the section's group)" : v,
  );
  return createHash("sha256").update(text).digest("hex").slice(0, 16);
}

export const simulatorSection: Section = {
  name: "simulator",
  async run(ctx) {
    const owner = await ctx.db.member.findFirst({
      where: { workspaceId: ctx.workspaceId, role: "OWNER", active: true },
      select: { id: true },
    });
    const actor = owner ? await loadActor(ctx.db, owner.id) : null;
    if (!actor) throw new Error("the bench workspace has no active owner");
    const made = await timed(() => everyoneGroup(ctx));
    ctx.log(`simulator: group of ${made.value.members} members in ${round(made.ms / 1000)} s`);
    try {
      const { perPerson, unit } = await lastMonthSpend(ctx);
      const groupMonth = perPerson.reduce((s, v) => s + v, 0n);
      const max = perPerson[perPerson.length - 1] ?? 0n;
      const cases = {
        refuses_nobody: { amount: String(max * 2n + 1n) },
        at_p90_of_last_month: { amount: String(at(perPerson, 0.9) || 1n) },
        at_p40_of_last_month: { amount: String(at(perPerson, 0.4) || 1n) },
        pool_half_of_last_month: {
          amount: String(max * 2n + 1n),
          poolCap: String(groupMonth / 2n || 1n),
        },
      };
      const now = new Date(`${ctx.spec.endDay}T12:00:00Z`);
      const decider = memberDecider(actor);
      const out: Record<string, unknown> = {};
      let worstWarmP95 = 0;
      for (const [name, fields] of Object.entries(cases)) {
        const input = simulateSchema.parse({
          periods: 3,
          change: { kind: "set", scope: "GROUP", groupId: made.value.id, ...fields },
        });
        const run = () => simulate(ctx.db, decider, input, now);
        const cold = await timed(run);
        const hash = answerHash(cold.value, made.value.id);
        forgetKeptReads(ctx.db);
        const first = await timed(run);
        if (answerHash(first.value, made.value.id) !== hash)
          throw new Error(`${name}: a run from nothing kept answered otherwise`);
        const runs = ctx.small ? 2 : 3;
        const cpu = process.cpuUsage();
        const warm = await sample(Array.from({ length: runs }), run, false);
        const used = process.cpuUsage(cpu);
        if (warm.results.some((r) => answerHash(r, made.value.id) !== hash))
          throw new Error(`${name}: a warm run answered otherwise`);
        const result = cold.value;
        const warmL = latency(warm.samples);
        worstWarmP95 = Math.max(worstWarmP95, warmL.p95_ms);
        out[name] = {
          change: { ...fields, unit },
          affected_members: result.affectedMembers,
          periods: result.periods.map((p) => ({
            start: p.start,
            end: p.end,
            soft: p.proposed.soft,
            refused: p.proposed.blocked,
            refused_now: p.baseline.blocked,
          })),
          answer_sha256: hash,
          from_nothing_kept_ms: round(first.ms),
          from_nothing_kept_cpu_ms: round(first.cpuMs),
          cold_ms: round(cold.ms),
          cold_cpu_ms: round(cold.cpuMs),
          warm: warmL,
          // CPU time is what a loaded machine cannot inflate (this process's, the database's included on SQLite)
          warm_cpu_ms_mean: round((used.user + used.system) / 1000 / runs),
        };
        ctx.log(
          `simulator ${name}: ${result.affectedMembers} members, refused per period ${result.periods.map((p) => p.proposed.blocked).join("/")}, from nothing kept ${round(first.ms)} ms (CPU ${round(first.cpuMs)} ms), cold ${round(cold.ms)} ms (CPU ${round(cold.cpuMs)} ms), warm p95 ${warmL.p95_ms} ms (CPU ${round((used.user + used.system) / 1000 / runs)} ms a run)`,
        );
      }
      return {
        group_members: made.value.members,
        group_setup_seconds: round(made.ms / 1000),
        ...out,
        worst_warm_p95_ms: worstWarmP95,
        target: `≤ ${TARGET_MS} ms for a change on a 20,000-member group (3 past periods and the current one)`,
      };
    } finally {
      await dropGroup(ctx.db, ctx.workspaceId);
    }
  },
};
