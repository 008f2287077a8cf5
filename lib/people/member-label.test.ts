import { describe, expect, it } from "vitest";

import {
  memberContact,
  memberLabel,
  memberPickerLabel,
  memberSublabel,
  serviceSublabel,
  shownEmail,
} from "./member-label";

const ana = { name: "Ana Lopez", email: "ana@acme.example", kind: "PERSON" };
const ci = {
  name: "CI pipeline",
  email: "ci-pipeline@service.invalid",
  kind: "SERVICE",
  owner: { name: "Cora CI-Owner" },
};
const orphan = { ...ci, owner: null };

describe("what a member is called", () => {
  it("names a person by name and email", () => {
    expect(memberLabel(ana)).toBe("Ana Lopez (ana@acme.example)");
    expect(memberSublabel(ana)).toBe("ana@acme.example");
    expect(memberContact(ana)).toBe("ana@acme.example");
    // a row without kind (older selects) is a person
    expect(memberLabel({ name: "Bo", email: "bo@x.example" })).toBe("Bo (bo@x.example)");
  });

  it("names a service account by name, kind and owner, never by its internal address", () => {
    expect(memberLabel(ci)).toBe("CI pipeline · Service account · owner Cora CI-Owner");
    expect(memberSublabel(ci)).toBe("Service account · owner Cora CI-Owner");
    expect(memberContact(ci)).toBe("CI pipeline (service account)");
    expect(memberLabel(orphan)).toBe("CI pipeline · Service account · no owner");
    expect(memberPickerLabel(ci)).toBe("CI pipeline (service account)");
    expect(memberPickerLabel(ana)).toBe("Ana Lopez <ana@acme.example>");
    // the email a page may send: a person's, none for a service account
    expect([shownEmail(ana), shownEmail(ci)]).toEqual(["ana@acme.example", ""]);
    for (const text of [
      memberLabel(ci),
      memberSublabel(ci),
      memberContact(orphan),
      memberPickerLabel(ci),
    ])
      expect(text).not.toContain("service.invalid");
  });

  it("says whose a service account is where a person's email would be", () => {
    expect(serviceSublabel("Cora CI-Owner")).toBe("Service account · owner Cora CI-Owner");
    expect(serviceSublabel(null)).toBe("Service account · no owner");
  });
});
