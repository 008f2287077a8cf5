/**
 * The `simulator` source: a deterministic enterprise behind the same adapter interface as
 * the real providers, one page per day. Demo data and the benchmark flow through it.
 */
import { z } from "zod";

import { addDays, dayKeySchema, eachDay } from "../../core/period";
import { buildEnterprise, usageForDay, type Enterprise } from "../simulator/enterprise";
import type { SourceAdapter, SyncWindow, UsagePage } from "../types";

export const simulatorConfigSchema = z.object({
  seed: z.number().int().default(42),
  domain: z.string().min(3).default("acme.example"),
  members: z.number().int().min(0).max(200_000).default(400),
  groups: z.number().int().min(1).max(10_000).default(15),
  endDay: dayKeySchema(),
  usdPerCreditMicros: z.coerce.bigint().default(40_000n),
  demoPeople: z.boolean().default(true),
  automationOnly: z.boolean().default(false),
});

export type SimulatorConfig = z.infer<typeof simulatorConfigSchema>;

export function simulatorAdapter(
  config: SimulatorConfig,
): SourceAdapter & { enterprise: Enterprise } {
  const enterprise = buildEnterprise(config);
  return {
    kind: "simulator",
    enterprise,
    async testConnection() {
      return { ok: true, detail: `simulated enterprise of ${enterprise.people.length} people` };
    },
    async directory() {
      return enterprise.directory;
    },
    async *pages(window: SyncWindow, cursor: string | null): AsyncIterable<UsagePage> {
      const first = cursor && cursor > window.start ? cursor : window.start;
      for (const day of eachDay(first, window.end)) {
        const next = day < window.end ? addDays(day, 1) : null;
        yield {
          completeDays: [day],
          rows: usageForDay(enterprise, day),
          nextCursor: next,
          label: day,
        };
      }
    },
  };
}
