import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";

import { getOverview } from "@/lib/analytics/overview";
import type { Actor } from "@/lib/auth/actor";
import { parseMicros } from "@/lib/core/money";
import { chargebackChunks } from "@/lib/exports/chargeback";
import { previewChargeback, startChargebackExport } from "@/lib/exports/export-chargeback";
import { exportQuerySchema } from "@/lib/exports/params";
import { runSync } from "@/lib/ingest/sync";
import type { Db } from "@/lib/server/db";

import { makeMember, testDb } from "../helpers/db";
import { syncSeatRow } from "../helpers/seat-row";
import { simulatedWorkspace } from "../helpers/simulator";

const NOW = new Date("2026-11-22T12:00:00Z");

async function seeded() {
  const db = await testDb();
  const sim = await simulatedWorkspace(db, { members: 30, endDay: "2026-11-22" });
  const res = await runSync({
    db,
    connectionId: sim.connection.id,
    adapter: sim.adapter,
    window: { start: "2026-10-25", end: "2026-11-22" },
  });
  expect(res.status).toBe("SUCCEEDED");
  const finance = await makeMember(db, sim.workspace.id, { role: "FINANCE" });
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
  return { db, ...sim, actor };
}

async function csvOf(db: Db, actor: Actor, groupBy: string, extra: Record<string, string> = {}) {
  const q = exportQuerySchema.parse({ group_by: groupBy, ...extra });
  const { stream, fileName, period } = await startChargebackExport(db, actor, q, NOW);
  const text = await new Response(stream).text();
  const records = parse(text, { columns: true }) as Record<string, string>[];
  return { text, records, fileName, period };
}

function sumColumn(records: Record<string, string>[], col: string): bigint {
  return records.reduce((s, r) => s + parseMicros(r[col]!), 0n);
}

describe("chargeback export", () => {
  it("matches the overview totals to the micro-unit for every grouping", async () => {
    const { db, workspace, actor } = await seeded();
    const facts = await db.usageRecord.aggregate({
      where: { workspaceId: workspace.id, day: { gte: "2026-11-01", lte: "2026-11-30" } },
      _sum: { costMicros: true },
    });
    const overview = await getOverview(
      db,
      { workspaceId: workspace.id, kind: "workspace", memberIds: null, label: "" },
      NOW,
    );
    expect(overview.totals.costMicros).toBeGreaterThan(0n);
    expect(overview.totals.costMicros).toBe(facts._sum.costMicros);
    for (const groupBy of [
      "cost_center",
      "group",
      "member",
      "cost_center,group,member,product,model,provider",
      "product,provider",
      "",
    ]) {
      const { records, period } = await csvOf(db, actor, groupBy);
      expect(period).toEqual(overview.period);
      expect(sumColumn(records, "billed_usd")).toBe(overview.totals.costMicros);
      expect(sumColumn(records, "estimated_list_usd")).toBe(overview.totals.estimatedCostMicros);
      expect(sumColumn(records, "credits")).toBe(overview.totals.creditsMicros);
      for (const r of records) {
        expect(r.currency).toBe("USD");
        expect(r.period_start).toBe("2026-11-01");
        expect(r.period_end).toBe("2026-11-30");
        expect(r.billed_usd).toMatch(/^-?\d+\.\d{6}$/);
      }
    }
  });

  it("keeps Claude Code seat estimates out of billed_usd and in their own seat_estimated_usd column", async () => {
    const { db, workspace, actor } = await seeded();
    const before = await csvOf(db, actor, "member");
    const beforeByProduct = await csvOf(db, actor, "member,product");
    const someone = await db.member.findFirstOrThrow({
      where: { workspaceId: workspace.id, role: "MEMBER" },
      orderBy: { email: "asc" },
    });
    await syncSeatRow(db, workspace.id, {
      email: someone.email,
      day: "2026-11-10",
      seatEstimateMicros: 1_234_567n,
    });
    for (const groupBy of ["member", "cost_center,group,member,product,model,provider", ""]) {
      const { records } = await csvOf(db, actor, groupBy);
      expect(Object.keys(records[0]!)).toContain("seat_estimated_usd");
      expect(sumColumn(records, "seat_estimated_usd"), groupBy).toBe(1_234_567n);
      expect(sumColumn(records, "billed_usd"), groupBy).toBe(
        sumColumn(before.records, "billed_usd"),
      );
    }
    const { records } = await csvOf(db, actor, "member,product");
    const seatLine = records.find(
      (r) => r.member_email === someone.email && r.product === "claude_code",
    );
    expect(seatLine?.seat_estimated_usd).toBe("1.234567");
    // the person's billed Claude Code spend (the simulator bills some) is what it was: the seat adds none
    const billedBefore = beforeByProduct.records.find(
      (r) => r.member_email === someone.email && r.product === "claude_code",
    )?.billed_usd;
    expect(seatLine?.billed_usd).toBe(billedBefore ?? "0.000000");
    const preview = await previewChargeback(
      db,
      actor,
      exportQuerySchema.parse({ group_by: "member" }),
      NOW,
    );
    expect(preview.totals.seatEstimateMicros).toBe(1_234_567n);
    expect(preview.totals.costMicros).toBe(sumColumn(before.records, "billed_usd"));
  });

  it("puts the (unattributed) rows last for every group_by (issue 16: group_by=group had them first)", async () => {
    const { db, actor } = await seeded();
    for (const groupBy of [
      "cost_center",
      "group",
      "member",
      "group,product",
      "cost_center,group",
      "group,member,model",
      "cost_center,group,member,product,model,provider",
    ]) {
      const { records } = await csvOf(db, actor, groupBy);
      const flags = records.map((r) =>
        [r.cost_center, r.group, r.member_email].includes("(unattributed)"),
      );
      expect(flags.some(Boolean), groupBy).toBe(true);
      const first = flags.indexOf(true);
      expect(flags.slice(first).every(Boolean), groupBy).toBe(true);
      expect(first, groupBy).toBeGreaterThan(0);
    }
  });

  it("charges a member in two groups once, to the primary cost center, and keeps unattributed spend apart", async () => {
    const { db, workspace, actor } = await seeded();
    const { records: byMember } = await csvOf(db, actor, "member");
    const emails = byMember.map((r) => r.member_email);
    expect(new Set(emails).size).toBe(emails.length);
    expect(emails).toContain("(unattributed)");
    const multi = await db.member.findFirst({
      where: { workspaceId: workspace.id, groups: { some: {} } },
      include: { groups: { include: { group: true } } },
      orderBy: { id: "asc" },
    });
    expect(multi).not.toBeNull();
    // put that member in a second group with another cost center: still one row, primary group
    const other = await db.group.create({
      data: { workspaceId: workspace.id, name: "AAA Second", costCenter: "CC-OTHER" },
    });
    await db.groupMember.create({ data: { groupId: other.id, memberId: multi!.id } });
    const { records: byGroupMember } = await csvOf(db, actor, "group,member");
    const rowsOfMulti = byGroupMember.filter((r) => r.member_email === multi!.email);
    expect(rowsOfMulti.length).toBeLessThanOrEqual(1);
    if (rowsOfMulti[0]) expect(rowsOfMulti[0].group).not.toBe("AAA Second");
    const { records: byCc } = await csvOf(db, actor, "cost_center");
    const ccs = byCc.map((r) => r.cost_center);
    expect(new Set(ccs).size).toBe(ccs.length);
    expect(ccs[ccs.length - 1]).toBe("(unattributed)");
    expect(ccs).not.toContain("CC-OTHER");
  });

  it("neutralises formula names, names the file after workspace and period, and audits the export", async () => {
    const { db, workspace, actor } = await seeded();
    const someone = await db.usageDailyRollup.findFirstOrThrow({
      where: { workspaceId: workspace.id, memberKey: { not: "" }, day: { gte: "2026-11-01" } },
    });
    await db.member.update({
      where: { id: someone.memberKey },
      data: { name: '=HYPERLINK("http://evil.example","x")', costCenter: "+CC-EVIL" },
    });
    const { records, text, fileName } = await csvOf(db, actor, "cost_center,member");
    expect(fileName).toBe(
      `allotment-chargeback-${workspace.slug}-2026-11-01_2026-11-30-by-cost_center-member.csv`,
    );
    const evil = records.find((r) => r.member_name?.includes("HYPERLINK"))!;
    expect(evil.member_name).toBe(`'=HYPERLINK("http://evil.example","x")`);
    expect(evil.cost_center).toBe("'+CC-EVIL");
    expect(text).not.toMatch(/(^|,)=HYPERLINK/m);
    const audit = await db.auditEvent.findMany({
      where: { workspaceId: workspace.id, action: "export.chargeback" },
    });
    expect(audit.length).toBe(1);
    expect(audit[0]!.actorId).toBe(actor.memberId);
  });

  it("counts spend of deleted members as unattributed, covers custom dates, and never reads another workspace", async () => {
    const { db, workspace, actor } = await seeded();
    const otherWs = await seeded();
    const custom = { period: "custom", start: "2026-10-25", end: "2026-11-22" };
    const before = await csvOf(db, actor, "member", custom);
    const total = sumColumn(before.records, "billed_usd");
    const facts = await db.usageRecord.aggregate({
      where: { workspaceId: workspace.id },
      _sum: { costMicros: true },
    });
    expect(total).toBe(facts._sum.costMicros);
    const victim = before.records.find((r) => r.member_email !== "(unattributed)")!;
    await db.member.delete({
      where: { workspaceId_email: { workspaceId: workspace.id, email: victim.member_email! } },
    });
    const after = await csvOf(db, actor, "member", custom);
    expect(sumColumn(after.records, "billed_usd")).toBe(total);
    const unBefore = parseMicros(
      before.records.find((r) => r.member_email === "(unattributed)")!.billed_usd!,
    );
    const unAfter = parseMicros(
      after.records.find((r) => r.member_email === "(unattributed)")!.billed_usd!,
    );
    expect(unAfter - unBefore).toBe(parseMicros(victim.billed_usd!));
    expect(after.records.map((r) => r.member_email)).not.toContain(otherWs.actor.email);
    expect(() =>
      exportQuerySchema.parse({ period: "custom", start: "2026-11-05", end: "2026-11-01" }),
    ).toThrow();
    expect(() => exportQuerySchema.parse({ group_by: "member,secret" })).toThrow();
  });

  it("yields bounded chunks and the preview totals equal the file", async () => {
    const { db, workspace, actor } = await seeded();
    let chunks = 0;
    for await (const chunk of chargebackChunks(db, {
      workspaceId: workspace.id,
      period: { start: "2026-11-01", end: "2026-11-30" },
      dimensions: ["member", "product"],
      chunkSize: 7,
    })) {
      chunks++;
      expect(chunk.length).toBeLessThanOrEqual(7 * 8);
    }
    expect(chunks).toBeGreaterThan(3);
    const q = exportQuerySchema.parse({ group_by: "member" });
    const preview = await previewChargeback(db, actor, q, NOW, 5);
    const { records } = await csvOf(db, actor, "member");
    expect(preview.rows.length).toBe(5);
    expect(preview.rowCount).toBe(records.length);
    expect(preview.totals.costMicros).toBe(sumColumn(records, "billed_usd"));
  });

  it("orders a by-member file by cost center, then person, across chunks, with unattributed spend last", async () => {
    const { db, workspace } = await seeded();
    // a member with usage deleted afterwards: their spend must land in the unattributed tail
    const someone = await db.usageDailyRollup.findFirstOrThrow({
      where: { workspaceId: workspace.id, memberKey: { not: "" } },
    });
    await db.memberIdentity.deleteMany({ where: { memberId: someone.memberKey } });
    await db.groupMember.deleteMany({ where: { memberId: someone.memberKey } });
    await db.groupManager.deleteMany({ where: { memberId: someone.memberKey } });
    await db.member.delete({ where: { id: someone.memberKey } });
    const period = { start: "2026-10-25", end: "2026-11-22" };
    const byChunk = async (chunkSize: number) => {
      const rows = [];
      for await (const chunk of chargebackChunks(db, {
        workspaceId: workspace.id,
        period,
        dimensions: ["cost_center", "member", "product"],
        chunkSize,
      }))
        rows.push(...chunk);
      return rows;
    };
    const rows = await byChunk(3);
    const people = rows.filter((r) => r.memberEmail !== "(unattributed)");
    const tail = rows.slice(people.length);
    expect(tail.length).toBeGreaterThan(0);
    expect(tail.every((r) => r.memberEmail === "(unattributed)")).toBe(true);
    const keys = people.map((r) => [r.costCenter, r.memberEmail, r.product].join("\u0000"));
    expect(keys).toEqual([...keys].sort());
    expect(new Set(people.map((r) => r.costCenter)).size).toBeGreaterThan(1);
    // the chunk size changes nothing but the chunking
    expect(await byChunk(1000)).toEqual(rows);
    const total = (xs: typeof rows) => xs.reduce((s, r) => s + r.costMicros, 0n);
    const facts = await db.usageDailyRollup.aggregate({
      where: { workspaceId: workspace.id, day: { gte: period.start, lte: period.end } },
      _sum: { costMicros: true },
    });
    expect(total(rows)).toBe(facts._sum.costMicros);
  });
});
