/**
 * An owner maps a vendor user no member matched (lib/enforce/mapping.ts mapVendorUser): the
 * identity is recorded the way a connection's unmapped identities are
 * (lib/ingest/identities.ts attachIdentity), the user leaves the connector's unmatched list,
 * the audit log says who; mapping the same user again is harmless, to another member refused
 * with nothing written.
 */
import { describe, expect, it } from "vitest";

import { InvalidInputError } from "@/lib/core/errors";
import { mapVendorUser } from "@/lib/enforce/mapping";
import { VENDOR_IDENTITY_KIND } from "@/lib/enforce/vendor-identity";
import { unmatchedOf } from "@/lib/enforce/vendor-state";

import { TEST_NOW } from "../helpers/clock";
import { testDb } from "../helpers/db";
import { connect, limitsWorkspace, OWNER_AUDIT } from "../helpers/enforce";

describe("mapping a vendor user", () => {
  it("records the identity once, empties it from the unmatched list, and refuses a second member", async () => {
    const db = await testDb();
    const w = await limitsWorkspace(db, new Date(TEST_NOW.getTime() + 86_400_000));
    const c = await connect(db, w.ws.id, "claude", "http://127.0.0.1:9", "sk-test");
    const unmatched = [
      { userId: "u-1", email: `stranger-${w.tag}@elsewhere.test`, name: "Stranger" },
      { userId: "u-2", email: `other-${w.tag}@elsewhere.test`, name: null },
    ];
    await db.vendorConnector.update({
      where: { id: c.id },
      data: { unmatchedJson: JSON.stringify(unmatched) },
    });
    const alice = w.people.alice.id;
    const identities = () =>
      db.memberIdentity.findMany({
        where: { workspaceId: w.ws.id, provider: "claude", kind: VENDOR_IDENTITY_KIND },
        select: { memberId: true, externalId: true },
      });
    const events = () =>
      db.auditEvent.count({ where: { workspaceId: w.ws.id, action: "identity.map" } });

    await mapVendorUser(db, w.ws.id, OWNER_AUDIT, c.id, "u-1", alice);
    expect(await identities()).toEqual([{ memberId: alice, externalId: "u-1" }]);
    const after = await db.vendorConnector.findUniqueOrThrow({ where: { id: c.id } });
    expect(unmatchedOf(after).map((u) => u.userId)).toEqual(["u-2"]);
    const event = await db.auditEvent.findFirstOrThrow({
      where: { workspaceId: w.ws.id, action: "identity.map" },
    });
    expect(event.targetId).toBe(alice);
    expect(JSON.parse(event.afterJson ?? "{}")).toMatchObject({
      vendorUserId: "u-1",
      vendorEmail: `stranger-${w.tag}@elsewhere.test`,
      member: w.people.alice.email,
    });

    // again to the same member: no second identity
    await mapVendorUser(db, w.ws.id, OWNER_AUDIT, c.id, "u-1", alice);
    expect(await identities()).toHaveLength(1);

    // to another member: refused, nothing written
    const before = await events();
    await expect(
      mapVendorUser(db, w.ws.id, OWNER_AUDIT, c.id, "u-1", w.people.bob.id),
    ).rejects.toThrow(InvalidInputError);
    expect(await identities()).toEqual([{ memberId: alice, externalId: "u-1" }]);
    expect(await events()).toBe(before);
  });
});
