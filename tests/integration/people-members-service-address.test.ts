/**
 * The Members directory never sends a service account's internal address (issue 17): what
 * GET /api/members answers, the Members page's rows and its selected member, a member's own
 * data (GET /api/members/:id) and the people forms' answers (add a service account, change a
 * member) carry "" for it — its row says it is a service account (kind, owner) — while the
 * address stays in the database. The directory's search finds it by name or owner, a person by
 * email, and nobody by the pseudo-domain.
 */
import { describe, expect, it } from "vitest";

import { getMemberSummary } from "@/lib/analytics/member";
import { json } from "@/lib/auth/guards";
import { spendScopeFor } from "@/lib/auth/scope";
import { memberListSchema, updateMemberSchema } from "@/lib/people/fields";
import { getMemberRow, listMembers, updateMember } from "@/lib/people/members";

import { TEST_NOW } from "../helpers/clock";
import { testDb } from "../helpers/db";
import { addNightlyEvals, automationWorkspace, nightlyEvalsKeys } from "./automation-fixtures";

const ADDRESS = "nightly-evals@service.invalid";

/** The body GET /api/members sends for this query (the route is json(listMembers(…))). */
async function listBody(...args: Parameters<typeof listMembers>) {
  return json(await listMembers(...args)).text();
}

describe("Members: a service account's internal address is not sent", () => {
  it("GET /api/members, the page's rows and the forms' answers carry no …@service.invalid; search finds people by email and the service account by name", async () => {
    const db = await testDb();
    const f = await automationWorkspace(db);
    const added = await addNightlyEvals(db, f, await nightlyEvalsKeys(db, f));
    // the server keeps the address (the budget check may be asked by it); the answer does not
    const stored = await db.member.findUniqueOrThrow({ where: { id: added.id } });
    expect(stored.email).toBe(ADDRESS);
    expect(added).toMatchObject({ kind: "SERVICE", email: "" });
    expect(JSON.stringify(added)).not.toContain("service.invalid");

    // GET /api/members: every member, the service account told apart by kind and owner
    const q = (query: Record<string, string>) => memberListSchema.parse(query);
    const body = await listBody(db, f.admin, q({ status: "active" }));
    expect(body).not.toContain("service.invalid");
    const { rows } = JSON.parse(body) as {
      rows: { id: string; email: string; kind: string; owner: { name: string } | null }[];
    };
    expect(rows.find((r) => r.id === added.id)).toMatchObject({
      email: "",
      kind: "SERVICE",
      owner: { id: f.dev.memberId, name: "Dev One" },
    });
    // a person's row keeps their email
    expect(rows.find((r) => r.id === f.dev.memberId)).toMatchObject({
      email: f.dev.email,
      kind: "PERSON",
    });
    expect(await listBody(db, f.admin, q({ status: "active", kind: "services" }))).not.toContain(
      "service.invalid",
    );

    // the Members page's selected member and a change's answer (PATCH /api/members/:id)
    expect((await getMemberRow(db, f.ws.id, added.id)).email).toBe("");
    const renamed = await updateMember(
      db,
      f.admin,
      added.id,
      updateMemberSchema.parse({ name: "Nightly evals CI" }),
    );
    expect([renamed.name, renamed.email]).toEqual(["Nightly evals CI", ""]);
    expect((await db.member.findUniqueOrThrow({ where: { id: added.id } })).email).toBe(ADDRESS);

    // its own page's data (GET /api/members/:id): named, told apart, no address
    const summary = await getMemberSummary(
      db,
      await spendScopeFor(db, f.admin),
      added.id,
      TEST_NOW,
    );
    expect(summary.member).toMatchObject({ kind: "SERVICE", email: "" });
    expect(await json(summary).text()).not.toContain("service.invalid");
    const person = await getMemberSummary(
      db,
      await spendScopeFor(db, f.admin),
      f.dev.memberId,
      TEST_NOW,
    );
    expect(person.member.email).toBe(f.dev.email);

    // search: people by email (any case), the service account by name or owner, never by its
    // pseudo-domain (shown nowhere, so it matches nothing)
    const found = async (needle: string) =>
      (await listMembers(db, f.admin, q({ status: "active", q: needle }))).rows.map((r) => r.id);
    expect(await found(f.dev.email.toUpperCase())).toEqual([f.dev.memberId]);
    expect(await found("nightly evals")).toEqual([added.id]);
    expect((await found("dev one")).sort()).toEqual([added.id, f.dev.memberId].sort());
    expect(await found("service.invalid")).toEqual([]);
    expect(await found("nightly-evals@")).toEqual([]);
  });
});
