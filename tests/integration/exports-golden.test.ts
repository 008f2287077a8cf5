/**
 * The streamed chargeback CSV, byte for byte, against a golden file computed the
 * straightforward way: every daily rollup row of the period read through the ORM, summed
 * per grouping in bigint, sorted and written with chargebackCells and csvText. The stream
 * reads the period in pieces (whole months from the month tables, the days around them from
 * the day tables, rollup-reads.ts periodPieces), chunked by person; none of that may change
 * a byte, for any grouping and any period shape.
 */
import { describe, expect, it } from "vitest";

import type { Period } from "@/lib/core/period";
import { addUsageSums, zeroUsageSums } from "@/lib/core/usage-sums";
import {
  NO_COST_CENTER,
  primaryGroup,
  UNATTRIBUTED,
  type ChargebackRow,
} from "@/lib/exports/chargeback";
import {
  chargebackCells,
  chargebackCsvStream,
  chargebackHeader,
} from "@/lib/exports/chargeback-csv";
import { csvText } from "@/lib/exports/csv";
import {
  canonicalDimensions,
  CHARGEBACK_DIMENSIONS,
  type ChargebackDimension,
} from "@/lib/exports/params";
import { periodPieces } from "@/lib/exports/rollup-reads";
import type { Db } from "@/lib/server/db";

import { testDb } from "../helpers/db";
import { syncedSimulatedWorkspace } from "../helpers/simulator";

interface Person {
  email: string;
  name: string;
  costCenter: string;
  group: string;
}

/** What the chargeback file is computed from, read the straightforward way. */
async function goldenSource(db: Db, workspaceId: string, period: Period) {
  const members = await db.member.findMany({
    where: { workspaceId },
    select: {
      id: true,
      email: true,
      name: true,
      costCenter: true,
      groups: { select: { group: { select: { name: true, costCenter: true } } } },
    },
  });
  const people = new Map<string, Person>(
    members.map((m) => [
      m.id,
      {
        email: m.email,
        name: m.name,
        costCenter: m.costCenter ?? NO_COST_CENTER,
        group: primaryGroup(
          m.costCenter,
          m.groups.map((g) => g.group),
        ),
      },
    ]),
  );
  const rollup = await db.usageDailyRollup.findMany({
    where: { workspaceId, day: { gte: period.start, lte: period.end } },
  });
  return { period, people, rollup };
}

/** The chargeback file as the README's attribution rules define it, from the daily rollup alone. */
function goldenCsv(
  { period, people, rollup }: Awaited<ReturnType<typeof goldenSource>>,
  dimensions: readonly ChargebackDimension[],
): string {
  const dims = new Set(canonicalDimensions(dimensions));
  const rows = new Map<string, ChargebackRow>();
  for (const r of rollup) {
    const p = people.get(r.memberKey);
    const dimsOf = {
      costCenter: dims.has("cost_center") ? (p?.costCenter ?? UNATTRIBUTED) : "",
      group: dims.has("group") ? (p?.group ?? UNATTRIBUTED) : "",
      memberEmail: dims.has("member") ? (p?.email ?? UNATTRIBUTED) : "",
      memberName: dims.has("member") ? (p?.name ?? "") : "",
      product: dims.has("product") ? r.product : "",
      model: dims.has("model") ? r.model : "",
      provider: dims.has("provider") ? r.provider : "",
    };
    const key = Object.values(dimsOf).join("\u0000");
    const row = rows.get(key) ?? { ...dimsOf, ...zeroUsageSums(), seatEstimateMicros: 0n };
    addUsageSums(row, r);
    row.seatEstimateMicros += r.seatEstimateMicros;
    rows.set(key, row);
  }
  // file order: unattributed rows last; by member, cost center then person (the group follows
  // the person), else by every grouping value in column order
  const unattributed = (r: ChargebackRow) =>
    [r.costCenter, r.group, r.memberEmail].includes(UNATTRIBUTED) ? 1 : 0;
  const sortKey = (r: ChargebackRow) =>
    (dims.has("member") && !unattributed(r)
      ? [r.costCenter, r.memberEmail, r.product, r.model, r.provider]
      : [r.costCenter, r.group, r.memberEmail, r.product, r.model, r.provider]
    ).join("\u0000");
  const sorted = [...rows.values()].sort(
    (a, b) =>
      unattributed(a) - unattributed(b) ||
      (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0),
  );
  const list = [...dims];
  return csvText([chargebackHeader(list), ...sorted.map((r) => chargebackCells(r, period, list))]);
}

/** Every subset of the six dimensions, the empty one (a single total) included. */
const ALL_GROUPINGS: ChargebackDimension[][] = Array.from({ length: 1 << 6 }, (_, bits) =>
  CHARGEBACK_DIMENSIONS.filter((_, i) => bits & (1 << i)),
);

describe("chargeback CSV against a straightforward golden file", () => {
  it("is byte-identical for every grouping over periods of partial and whole months", async () => {
    const db = await testDb();
    const sim = await syncedSimulatedWorkspace(
      db,
      { members: 24, endDay: "2026-11-22", seed: 5 },
      { start: "2026-08-20", end: "2026-11-22" },
    );
    // a person with usage deleted afterwards: their spend is unattributed
    const someone = await db.usageDailyRollup.findFirstOrThrow({
      where: { workspaceId: sim.workspace.id, memberKey: { not: "" } },
    });
    await db.memberIdentity.deleteMany({ where: { memberId: someone.memberKey } });
    await db.groupMember.deleteMany({ where: { memberId: someone.memberKey } });
    await db.groupManager.deleteMany({ where: { memberId: someone.memberKey } });
    await db.member.delete({ where: { id: someone.memberKey } });
    // text a spreadsheet would run as a formula, and text that needs quotes, in every kind of
    // text cell: the golden file neutralises and quotes each cell through csvText
    const hostile = await db.usageDailyRollup.findMany({
      where: {
        workspaceId: sim.workspace.id,
        memberKey: { notIn: ["", someone.memberKey] },
        day: { gte: "2026-10-01" },
      },
      distinct: ["memberKey"],
      take: 3,
    });
    expect(hostile.length).toBe(3);
    await db.member.update({
      where: { id: hostile[0]!.memberKey },
      data: { name: '=HYPERLINK("http://evil.example","x")', costCenter: "+CC-EVIL" },
    });
    await db.member.update({
      where: { id: hostile[1]!.memberKey },
      data: { email: "-cmd@evil.example", name: "Doe, Jane", costCenter: "@CC" },
    });
    // every group of the third: whichever is their primary group starts with a tab
    const groups = await db.groupMember.findMany({
      where: { memberId: hostile[2]!.memberKey },
      select: { group: { select: { id: true, name: true } } },
    });
    expect(groups.length).toBeGreaterThan(0);
    for (const { group } of groups)
      await db.group.update({ where: { id: group.id }, data: { name: `\t${group.name}` } });

    const periods: { period: Period; pieces: number; groupings: ChargebackDimension[][] }[] = [
      // days of August, September and October whole, days of November
      { period: { start: "2026-08-25", end: "2026-11-22" }, pieces: 3, groupings: ALL_GROUPINGS },
      // whole months only
      {
        period: { start: "2026-09-01", end: "2026-10-31" },
        pieces: 1,
        groupings: [["member"], ["cost_center", "product"], ["group", "member", "model"]],
      },
      // a whole month and the days after it
      {
        period: { start: "2026-10-01", end: "2026-11-10" },
        pieces: 2,
        groupings: [["member", "provider"], ["cost_center"], []],
      },
      // inside one month
      {
        period: { start: "2026-10-05", end: "2026-10-20" },
        pieces: 1,
        groupings: [["member"], ["group", "product"], CHARGEBACK_DIMENSIONS.slice()],
      },
    ];
    let compared = 0;
    for (const { period, pieces, groupings } of periods) {
      expect(periodPieces(period).length, JSON.stringify(period)).toBe(pieces);
      const source = await goldenSource(db, sim.workspace.id, period);
      for (const dimensions of groupings) {
        const label = `${period.start}..${period.end} by ${dimensions.join(",") || "total"}`;
        const golden = goldenCsv(source, dimensions);
        // small chunks cross chunk boundaries everywhere; the default size on the shorter lists
        for (const chunkSize of groupings === ALL_GROUPINGS ? [7] : [7, undefined]) {
          const stream = chargebackCsvStream(db, {
            workspaceId: sim.workspace.id,
            period,
            dimensions,
            chunkSize,
          });
          expect(await new Response(stream).text(), `${label}, chunks of ${chunkSize}`).toBe(
            golden,
          );
        }
        compared++;
      }
    }
    expect(compared).toBe(64 + 9);
    // the hostile cells are in the file, neutralised
    const every = await new Response(
      chargebackCsvStream(db, {
        workspaceId: sim.workspace.id,
        period: periods[0]!.period,
        dimensions: CHARGEBACK_DIMENSIONS.slice(),
      }),
    ).text();
    for (const cell of [
      `"'=HYPERLINK(""http://evil.example"",""x"")"`,
      "'+CC-EVIL",
      "'-cmd@evil.example",
      '"Doe, Jane"',
      "'@CC",
      ",'\t",
    ])
      expect(every).toContain(cell);
    // (numbers are never neutralised: a negative amount stays a number)
    expect(every).not.toMatch(/(^|,)([=+@\t]|-[^0-9])/m);
  }, 240_000);
});
