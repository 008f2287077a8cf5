import { describe, expect, it } from "vitest";

import { supersession, withoutSuperseded, type LimitFinding } from "./supersede";

const f = (
  subjectId: string,
  kind: LimitFinding["kind"],
  thresholdPct: number | null = null,
  subjectType = "MEMBER",
): LimitFinding => ({ kind, subjectType, subjectId, thresholdPct });
const names = (list: LimitFinding[]) =>
  list.map((x) => `${x.subjectType}:${x.subjectId} ${x.kind}${x.thresholdPct ?? ""}`);

describe("one open limit alert per subject and kind", () => {
  it("keeps the highest threshold crossed, and only the hard limit once it is reached", () => {
    const found = [
      f("ana", "threshold", 80),
      f("ana", "threshold", 100),
      f("ana", "hard_limit"),
      f("bo", "threshold", 50),
      f("bo", "threshold", 80),
      f("bo", "projection"),
      f("cy", "threshold", 80),
      f("cy", "anomaly"),
      // another subject type with the same id is another subject
      f("ana", "threshold", 80, "GROUP"),
    ];
    expect(names(withoutSuperseded(found))).toEqual([
      "MEMBER:ana hard_limit",
      "MEMBER:bo threshold80",
      "MEMBER:bo projection",
      "MEMBER:cy threshold80",
      "MEMBER:cy anomaly",
      "GROUP:ana threshold80",
    ]);
  });

  it("leaves a list without overlaps as it is", () => {
    const found = [f("ana", "threshold", 80), f("ana", "projection"), f("bo", "hard_limit")];
    expect(withoutSuperseded(found)).toEqual(found);
    expect(withoutSuperseded([])).toEqual([]);
  });
});

describe("what superseded what", () => {
  it("names each superseded threshold's superseder: the hard limit, else the highest threshold", () => {
    const found = [
      f("ana", "threshold", 80),
      f("ana", "hard_limit"),
      f("ana", "threshold", 100),
      f("bo", "threshold", 50),
      f("bo", "threshold", 80),
      f("bo", "projection"),
    ];
    const { kept, supersededBy } = supersession(found);
    expect(kept).toEqual(withoutSuperseded(found));
    expect(
      [...supersededBy].map(([from, by]) => `${names([from])[0]} → ${names([by])[0]}`),
    ).toEqual([
      "MEMBER:ana threshold80 → MEMBER:ana hard_limit",
      "MEMBER:ana threshold100 → MEMBER:ana hard_limit",
      "MEMBER:bo threshold50 → MEMBER:bo threshold80",
    ]);
  });
});
