import { expect, test, type Page } from "@playwright/test";

import { e2eDay } from "./clock";
import { deletePolicy, limitTarget } from "./policies";
import { pageAs } from "./roles";

// Issue 17 "Safety": removing an override or a group limit asks nothing first; a toast says
// what was removed and its Undo sets the same limit again, to the micro-unit, through the same
// audited route (limit.delete, then limit.create). An approved request's grant still asks
// first (Undo could not make it a grant again).
// State: the limits this journey sets are deleted in afterAll.

type Policy = {
  id: string;
  version: number;
  amountMicros: string | null;
  poolCapMicros: string | null;
  softThresholdPct: number;
  action: string;
  expiresOn: string | null;
  note: string | null;
};

async function policyOf(page: Page, q: string): Promise<Policy | null> {
  return (await limitTarget<{ policy: Policy | null }>(page, q)).policy;
}

/** The members no other journey gives a limit to (not the demo's role people), as an admin sees them. */
async function quietMembers(page: Page) {
  const overview = (await (await page.request.get("/api/limits")).json()) as {
    members: { memberId: string; name: string; email: string }[];
  };
  return overview.members.filter((x) => !/^(owner|admin|finance|manager|engineer)@/.test(x.email));
}

test.describe.serial("undo a removed limit", () => {
  const cleanup: string[] = [];

  test.afterAll(async ({ browser }) => {
    const owner = await pageAs(browser, "owner");
    for (const q of cleanup) {
      const p = await policyOf(owner, q);
      if (p) await deletePolicy(owner, p);
    }
    await owner.context().close();
  });

  test("admin: an override removed from the member page comes back with Undo, exactly", async ({
    browser,
  }) => {
    const page = await pageAs(browser, "admin");
    const m = (await quietMembers(page))[0]!;
    const q = `memberId=${m.memberId}`;
    cleanup.push(q);
    const created = await page.request.post("/api/limits/policies", {
      data: {
        scope: "MEMBER",
        memberId: m.memberId,
        amount: "1234.567891",
        softThresholdPct: "70",
        action: "ALERT_ONLY",
        expiresOn: e2eDay(10),
        note: "undo journey",
      },
    });
    expect(created.status()).toBe(201);
    const before = (await policyOf(page, q))!;

    await page.goto(`/members/${m.memberId}`);
    const panel = page.getByTestId("member-limit");
    await expect(panel).toContainText("1,234.57 credits");
    await panel.getByRole("button", { name: `Set limit for ${m.name}` }).click();
    const dialog = page.getByRole("dialog", { name: `Limit for ${m.name}` });
    await dialog.getByRole("button", { name: "Remove limit" }).click();
    // no second question: the dialog closes, the page shows the fallback, a toast offers Undo
    await expect(dialog).toBeHidden();
    const toast = page.getByTestId("toast");
    await expect(toast).toContainText(`Override for ${m.name} removed`);
    await expect(panel).not.toContainText("1,234.57 credits");
    expect(await policyOf(page, q)).toBeNull();

    await toast.getByRole("button", { name: "Undo" }).click();
    await expect(toast).toContainText(`Override for ${m.name} restored`);
    await expect(panel).toContainText("1,234.57 credits");
    const after = (await policyOf(page, q))!;
    expect(after.id).not.toBe(before.id);
    for (const k of ["amountMicros", "softThresholdPct", "action", "expiresOn", "note"] as const)
      expect(after[k]).toEqual(before[k]);
    expect(after.amountMicros).toBe("1234567891");

    // both steps are in the audit log, newest first, through the limit routes (the log orders
    // by the event's time and a journey before this one ran the clock forward: read these policies')
    const audit = (await (await page.request.get("/api/audit?limit=500")).json()) as {
      data: { action: string; target: string }[];
    };
    const policies = new Set([`LimitPolicy:${after.id}`, `LimitPolicy:${before.id}`]);
    const mine = audit.data.filter((e) => policies.has(e.target));
    expect(mine.slice(0, 2).map((e) => [e.action, e.target])).toEqual([
      ["limit.create", `LimitPolicy:${after.id}`],
      ["limit.delete", `LimitPolicy:${before.id}`],
    ]);
    await page.context().close();
  });

  test("owner: a group limit removed on the Limits screen comes back with Undo", async ({
    browser,
  }) => {
    const page = await pageAs(browser, "owner");
    const groups = (await (await page.request.get("/api/limits")).json()) as {
      groups: { groupId: string; name: string }[];
    };
    const g = groups.groups[groups.groups.length - 1]!;
    const q = `groupId=${g.groupId}`;
    cleanup.push(q);
    expect(await policyOf(page, q)).toBeNull();
    expect(
      (
        await page.request.post("/api/limits/policies", {
          data: { scope: "GROUP", groupId: g.groupId, amount: "2500", poolCap: "30000.5" },
        })
      ).status(),
    ).toBe(201);

    await page.goto("/limits");
    const line = page.getByTestId(`policy-group-${g.name}`);
    await expect(line.getByTestId("policy-amount")).toHaveText("2,500.00 credits per member");
    await line.getByTestId("edit-policy").click();
    await page.getByTestId("policy-editor").getByRole("button", { name: "Remove limit" }).click();
    await expect(line).toHaveCount(0);
    const toast = page.getByTestId("toast");
    await expect(toast).toContainText(`Group limit on ${g.name} removed`);
    await toast.getByRole("button", { name: "Undo" }).click();
    await expect(toast).toContainText(`Group limit on ${g.name} restored`);
    await expect(line.getByTestId("policy-amount")).toHaveText("2,500.00 credits per member");
    await expect(line).toContainText("pool 30,000.50 credits");
    const p = (await policyOf(page, q))!;
    expect([p.amountMicros, p.poolCapMicros]).toEqual(["2500000000", "30000500000"]);
    await page.context().close();
  });

  test("Undo that can no longer apply says why and leaves the limit someone set since", async ({
    browser,
  }) => {
    const page = await pageAs(browser, "admin");
    const m = (await quietMembers(page))[1]!;
    const q = `memberId=${m.memberId}`;
    cleanup.push(q);
    await page.request.post("/api/limits/policies", {
      data: { scope: "MEMBER", memberId: m.memberId, amount: "700" },
    });
    await page.goto(`/members/${m.memberId}`);
    await page.getByRole("button", { name: `Set limit for ${m.name}` }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Remove limit" }).click();
    const toast = page.getByTestId("toast");
    await expect(toast).toContainText("removed");
    // meanwhile someone else sets a new override
    expect(
      (
        await page.request.post("/api/limits/policies", {
          data: { scope: "MEMBER", memberId: m.memberId, amount: "900" },
        })
      ).status(),
    ).toBe(201);
    await toast.getByRole("button", { name: "Undo" }).click();
    await expect(toast).toContainText("Could not undo: ");
    expect((await policyOf(page, q))!.amountMicros).toBe("900000000");
    await page.context().close();
  });
});
