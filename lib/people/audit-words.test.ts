import { describe, expect, it } from "vitest";

import { auditSentence, type WordsContext } from "./audit-words";

const names: Record<string, string> = { m1: "Bob Builder", m2: "Eli Engineer" };
const groups: Record<string, string> = { g1: "Platform" };
const ctx: WordsContext = {
  unit: "CREDITS",
  timezone: "America/New_York",
  actor: "Dana Owner",
  memberName: (id) => names[id],
  groupName: (id) => groups[id],
  requesterOf: (id) => (id === "12" ? "m1" : undefined),
};
const policy = {
  scope: "MEMBER",
  target: "MEMBER:m1",
  product: "",
  amountMicros: "1200000000",
  poolCapMicros: null,
  startsAt: null,
  expiresAt: "2027-01-01T05:00:00.000Z",
  slot: "",
};

describe("audit events in plain words", () => {
  it("limits name whose limit it is, the amount in the budget unit and the day in the workspace's timezone", () => {
    expect(auditSentence("limit.create", "p1", undefined, policy, ctx)).toBe(
      "Dana Owner set Bob Builder's override to 1,200.00 credits until 31 Dec 2026",
    );
    expect(
      auditSentence("limit.update", "p1", { ...policy, amountMicros: "1000000000" }, policy, ctx),
    ).toBe(
      "Dana Owner changed Bob Builder's override from 1,000.00 credits until 31 Dec 2026 to 1,200.00 credits until 31 Dec 2026",
    );
    expect(
      auditSentence(
        "limit.create",
        "p2",
        undefined,
        {
          ...policy,
          scope: "GROUP",
          target: "GROUP:g1",
          product: "codex",
          amountMicros: null,
          poolCapMicros: "5000000000",
          expiresAt: null,
        },
        ctx,
      ),
    ).toBe("Dana Owner set group Platform's limit for Codex to pooled cap 5,000.00 credits");
    expect(
      auditSentence(
        "limit.end",
        "p1",
        policy,
        { ...policy, endedBecause: "Bob Builder was deactivated" },
        ctx,
      ),
    ).toBe(
      "Dana Owner ended Bob Builder's override of 1,200.00 credits because Bob Builder was deactivated",
    );
    expect(
      auditSentence(
        "limit.create",
        "p3",
        undefined,
        { ...policy, slot: "request:12" },
        { ...ctx, unit: "USD" },
      ),
    ).toBe("Dana Owner set Bob Builder's grant from request #12 to $1,200.00 until 31 Dec 2026");
  });

  it("people, groups and requests", () => {
    expect(auditSentence("member.role", "m2", { role: "MEMBER" }, { role: "ADMIN" }, ctx)).toBe(
      "Dana Owner changed Eli Engineer's role from member to admin",
    );
    expect(
      auditSentence(
        "member.groups",
        "m2",
        undefined,
        { added: [{ id: "g1", name: "Old name" }], removed: [{ id: "gx", name: "Mobile" }] },
        ctx,
      ),
    ).toBe("Dana Owner added Eli Engineer to Platform and removed them from Mobile");
    expect(
      auditSentence(
        "member.deactivate",
        "m2",
        undefined,
        { reason: "left", sessionsEnded: 2, overridesEnded: ["p1"], requestsWithdrawn: [] },
        ctx,
      ),
    ).toBe(
      "Dana Owner deactivated Eli Engineer (left): 2 sessions ended, 1 override ended, 0 pending requests withdrawn",
    );
    expect(
      auditSentence(
        "group.members",
        "g1",
        undefined,
        { added: [{ id: "m1" }, { id: "m2" }], removed: [] },
        ctx,
      ),
    ).toBe("Dana Owner added Bob Builder and Eli Engineer to group Platform");
    expect(
      auditSentence("group.delete", "gone", { name: "Old team", costCenter: "" }, undefined, ctx),
    ).toBe("Dana Owner deleted group Old team");
    expect(
      auditSentence(
        "request.approve",
        "12",
        { status: "PENDING" },
        {
          grantedMicros: "250000000",
          limitBeforeMicros: "1000000000",
          limitAfterMicros: "1250000000",
        },
        ctx,
      ),
    ).toBe(
      "Dana Owner approved request #12 from Bob Builder: granted 250.00 credits, limit 1,000.00 credits → 1,250.00 credits",
    );
    expect(auditSentence("auth.signin", "m1", undefined, {}, ctx)).toBeNull();
  });

  it("service accounts: who owns one, its keys, and a change of owner", () => {
    expect(
      auditSentence(
        "member.create",
        "s1",
        undefined,
        {
          name: "CI pipeline",
          email: "ci-pipeline@service.invalid",
          role: "MEMBER",
          kind: "SERVICE",
          owner: { id: "m1", name: "Bob (then)" },
          groups: [{ id: "g1", name: "Platform" }],
          manages: [],
          keys: ["openai api_key_id:key_ci", "anthropic api_key_id:key_ci"],
        },
        ctx,
      ),
    ).toBe(
      "Dana Owner added service account CI pipeline owned by Bob Builder, for openai api_key_id:key_ci and anthropic api_key_id:key_ci, in Platform",
    );
    expect(
      auditSentence(
        "member.owner",
        "s1",
        { name: "CI pipeline", owner: { id: "m1", name: "Bob" } },
        { name: "CI pipeline", owner: { id: "gone", name: "Ola Left" } },
        ctx,
      ),
    ).toBe("Dana Owner made Ola Left the owner of CI pipeline (was Bob Builder)");
  });
});
