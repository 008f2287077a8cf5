/**
 * Effective limits for every member of the workspace: the rule alone, from nothing kept (what
 * the Limits screen and the vendors' plans resolve), and with every member's forecast besides
 * (what the alerts evaluate after a sync).
 */
import {
  forgetKeptResolutions,
  loadWorkspaceEffectiveLimits,
  loadWorkspaceLimits,
} from "../../lib/limits/load-effective-limits";
import { latency, sample } from "../stats";
import type { Section } from "./index";

export const limitsSection: Section = {
  name: "effective_limits",
  async run(ctx) {
    // a default, a group limit and a pooled cap, so the resolver has real work
    const groups = await ctx.db.group.findMany({
      where: { workspaceId: ctx.workspaceId },
      take: 20,
      select: { id: true },
    });
    await ctx.db.limitPolicy.deleteMany({ where: { workspaceId: ctx.workspaceId } });
    await ctx.db.limitPolicy.create({
      data: {
        workspaceId: ctx.workspaceId,
        scope: "WORKSPACE",
        target: "WORKSPACE",
        amountMicros: 500_000_000n,
      },
    });
    for (const g of groups) {
      await ctx.db.limitPolicy.create({
        data: {
          workspaceId: ctx.workspaceId,
          scope: "GROUP",
          groupId: g.id,
          target: `GROUP:${g.id}`,
          amountMicros: 800_000_000n,
          poolCapMicros: 50_000_000_000n,
        },
      });
    }
    const now = new Date(`${ctx.spec.endDay}T12:00:00Z`);
    const runs = Array.from({ length: 7 }, () => 0);
    const rule = await sample(runs, () => {
      forgetKeptResolutions(ctx.db);
      return loadWorkspaceEffectiveLimits(ctx.db, ctx.workspaceId, now);
    });
    const { samples, results } = await sample(runs, () =>
      loadWorkspaceLimits(ctx.db, ctx.workspaceId, now),
    );
    const members = results[0]?.members.length ?? 0;
    if (rule.results[0]?.members.length !== members)
      throw new Error("effective limits: the rule alone and with projections differ in members");
    return {
      members,
      /** the rule for everyone, the groups' pools and their projections */
      rule_all_members: latency(rule.samples),
      /** the same and every member's forecast */
      all_members: latency(samples),
    };
  },
};
