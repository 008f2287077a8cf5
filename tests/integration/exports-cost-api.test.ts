import { describe, expect, it } from "vitest";

import { GET } from "@/app/api/v1/costs/route";
import type { Actor } from "@/lib/auth/actor";
import { parseMicros } from "@/lib/core/money";
import { runSync } from "@/lib/ingest/sync";
import { createToken } from "@/lib/tokens/tokens";

import { makeMember, testDb } from "../helpers/db";
import { simulatedWorkspace } from "../helpers/simulator";

async function seeded() {
  const db = await testDb();
  const sim = await simulatedWorkspace(db, { members: 12, endDay: "2026-11-22" });
  const res = await runSync({
    db,
    connectionId: sim.connection.id,
    adapter: sim.adapter,
    window: { start: "2026-08-20", end: "2026-11-22" },
  });
  expect(res.status).toBe("SUCCEEDED");
  const owner = await makeMember(db, sim.workspace.id, { role: "OWNER" });
  const actor: Actor = {
    memberId: owner.id,
    workspaceId: sim.workspace.id,
    workspaceSlug: sim.workspace.slug,
    workspaceName: sim.workspace.name,
    email: owner.email,
    name: owner.name,
    role: "OWNER",
    managedGroupIds: [],
  };
  const { token } = await createToken(db, actor, { name: "finops", scopes: ["costs:read"] });
  const { token: narrow } = await createToken(db, actor, {
    name: "gateway",
    scopes: ["budget:check"],
  });
  return { db, ...sim, token, narrow };
}

const ctx = { params: Promise.resolve({}) };
function call(query: string, token?: string) {
  return GET(
    new Request(`http://localhost/api/v1/costs?${query}`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    }),
    ctx,
  );
}

interface Page {
  object: string;
  data: {
    object: string;
    start_date: string;
    start_time: number;
    end_time: number;
    results: {
      amount: { value: string; currency: string };
      member_email?: string | null;
      product?: string;
      model?: string;
    }[];
  }[];
  has_more: boolean;
  next_page: string | null;
}

describe("cost API", () => {
  it("pages through a 90-day range with a token and adds up to the facts", async () => {
    const { db, workspace, token } = await seeded();
    const pages: Page[] = [];
    let cursor: string | null = null;
    do {
      const res = await call(
        `start=2026-08-24&end=2026-11-22&bucket_width=1d&group_by=member,product,model&limit=31${cursor ? `&page=${cursor}` : ""}`,
        token,
      );
      expect(res.status).toBe(200);
      const page = (await res.json()) as Page;
      expect(page.object).toBe("page");
      pages.push(page);
      cursor = page.next_page;
      expect(page.has_more).toBe(cursor !== null);
    } while (cursor && pages.length < 10);
    expect(pages).toHaveLength(3);
    const buckets = pages.flatMap((p) => p.data);
    expect(buckets).toHaveLength(90);
    expect(buckets[0]!.start_date).toBe("2026-08-24");
    expect(buckets[89]!.start_date).toBe("2026-11-21");
    expect(buckets[0]!.end_time - buckets[0]!.start_time).toBe(86_400);
    const total = buckets
      .flatMap((b) => b.results)
      .reduce((s, r) => s + parseMicros(r.amount.value), 0n);
    const facts = await db.usageRecord.aggregate({
      where: { workspaceId: workspace.id, day: { gte: "2026-08-24", lt: "2026-11-22" } },
      _sum: { costMicros: true },
    });
    expect(total).toBe(facts._sum.costMicros);
    const results = buckets.flatMap((b) => b.results);
    expect(
      results.every(
        (r) =>
          r.amount.currency === "usd" &&
          typeof r.product === "string" &&
          typeof r.model === "string",
      ),
    ).toBe(true);
    expect(results.some((r) => r.member_email === null)).toBe(true); // unattributed automation
  });

  it("answers 401 without a token, 403 without the scope, 400 for bad input, and never shows another workspace", async () => {
    const a = await seeded();
    const b = await seeded();
    expect((await call("start=2026-11-01")).status).toBe(401);
    expect((await call("start=2026-11-01", "alt_nonsense")).status).toBe(401);
    expect((await call("start=2026-11-01", a.narrow)).status).toBe(403);
    expect((await call("start=2026-11-10&end=2026-11-01", a.token)).status).toBe(400);
    expect((await call("start=2026-11-01&bucket_width=1h", a.token)).status).toBe(400);
    expect((await call("start=2026-11-01&page=bogus", a.token)).status).toBe(400);
    const mine = (await (
      await call("start=2026-11-01&end=2026-11-08&group_by=member", a.token)
    ).json()) as Page;
    const emails = new Set(
      mine.data.flatMap((d) => d.results.map((r) => r.member_email)).filter(Boolean),
    );
    const bMembers = await a.db.member.findMany({
      where: { workspaceId: b.workspace.id },
      select: { email: true },
    });
    expect(emails.size).toBeGreaterThan(0);
    for (const m of bMembers) expect(emails.has(m.email)).toBe(false);
  });
});
