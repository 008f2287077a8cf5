/** Groups: create, rename, cost center, members, managers, delete an empty group — each audited; who may. */
import { describe, expect, it } from "vitest";

import { loadActor } from "@/lib/auth/actor";
import { ForbiddenError, InvalidInputError } from "@/lib/core/errors";
import { createGroupSchema, parseFields, updateGroupSchema } from "@/lib/people/fields";
import { createGroup, deleteGroup, listGroups, updateGroup } from "@/lib/people/groups";

import { testDb } from "../helpers/db";
import { limitsWorkspace } from "./limits-fixtures";

const create = (v: Record<string, unknown>) => parseFields(createGroupSchema, v);
const upd = (v: Record<string, unknown>) => parseFields(updateGroupSchema, v);

describe("groups", () => {
  it("an admin creates a group with a manager, renames it, sets its cost center, changes people, deletes it once empty", async () => {
    const db = await testDb();
    const f = await limitsWorkspace(db);
    const g = await createGroup(
      db,
      f.admin,
      create({
        name: "Data",
        costCenter: "CC-D",
        memberIds: [f.eng.memberId],
        managerIds: [f.eng2.memberId],
      }),
    );
    expect(g).toMatchObject({
      name: "Data",
      costCenter: "CC-D",
      members: [{ id: f.eng.memberId }],
      managers: [{ id: f.eng2.memberId }],
    });
    // the new manager has a manager's rights on their next request
    expect((await loadActor(db, f.eng2.memberId))!.managedGroupIds).toContain(g.id);
    await expect(createGroup(db, f.admin, create({ name: "Data" }))).rejects.toThrow(
      "There is already a group called Data",
    );

    await updateGroup(db, f.admin, g.id, upd({ name: "Data Science" }));
    await updateGroup(db, f.admin, g.id, upd({ costCenter: "CC-DS" }));
    const after = await updateGroup(
      db,
      f.admin,
      g.id,
      upd({
        addMemberIds: [f.finance.memberId],
        removeMemberIds: [f.eng.memberId],
        removeManagerIds: [f.eng2.memberId],
        addManagerIds: [f.manager.memberId],
      }),
    );
    expect(after.members.map((m) => m.id)).toEqual([f.finance.memberId]);
    expect(after.managers.map((m) => m.id)).toEqual([f.manager.memberId]);

    const refused = await deleteGroup(db, f.admin, g.id).catch((x: unknown) => x);
    expect(refused).toBeInstanceOf(InvalidInputError);
    expect((refused as Error).message).toBe("Data Science still has 1 member: remove them first");
    await updateGroup(
      db,
      f.admin,
      g.id,
      upd({ removeMemberIds: [f.finance.memberId], removeManagerIds: [f.manager.memberId] }),
    );
    await deleteGroup(db, f.admin, g.id);
    expect(await db.group.findUnique({ where: { id: g.id } })).toBeNull();

    const ev = await db.auditEvent.findMany({
      where: { workspaceId: f.ws.id, targetId: g.id },
      orderBy: { id: "asc" },
    });
    expect(ev.map((e) => e.action)).toEqual([
      "group.create",
      "group.rename",
      "group.update",
      "group.members",
      "group.managers",
      "group.members",
      "group.managers",
      "group.delete",
    ]);
    expect(JSON.parse(ev[1]!.beforeJson!)).toEqual({ name: "Data", costCenter: "CC-D" });
    expect(JSON.parse(ev[3]!.afterJson!)).toMatchObject({
      added: [{ id: f.finance.memberId }],
      removed: [{ id: f.eng.memberId }],
    });
    expect(ev.every((e) => e.actorLabel === f.admin.email)).toBe(true);
  });

  it("a group with limits is not deleted; finance, managers and engineers change no group; managers list only theirs", async () => {
    const db = await testDb();
    const f = await limitsWorkspace(db);
    const empty = await createGroup(db, f.owner, create({ name: "Empty" }));
    await db.limitPolicy.create({
      data: {
        workspaceId: f.ws.id,
        scope: "GROUP",
        groupId: empty.id,
        target: `GROUP:${empty.id}`,
        amountMicros: 1n,
      },
    });
    await expect(deleteGroup(db, f.owner, empty.id)).rejects.toThrow(
      "Empty has a limit: remove it on the Limits page first",
    );
    for (const who of [f.finance, f.manager, f.eng]) {
      await expect(createGroup(db, who, create({ name: "Nope" }))).rejects.toBeInstanceOf(
        ForbiddenError,
      );
      await expect(
        updateGroup(db, who, f.platform.id, upd({ name: "Mine" })),
      ).rejects.toBeInstanceOf(ForbiddenError);
      await expect(deleteGroup(db, who, empty.id)).rejects.toBeInstanceOf(ForbiddenError);
    }
    expect((await listGroups(db, f.manager)).map((g) => g.name)).toEqual(["Platform"]);
    expect((await listGroups(db, f.finance)).map((g) => g.name)).toEqual([
      "Empty",
      "Mobile",
      "Platform",
    ]);
    await expect(listGroups(db, f.eng)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      updateGroup(db, f.admin, f.platform.id, upd({ addMemberIds: ["ghost"] })),
    ).rejects.toThrow("is not a member of this workspace");
  });
});
