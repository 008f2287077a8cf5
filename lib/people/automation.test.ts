import { describe, expect, it } from "vitest";

import {
  identityKindLabel,
  isAutomationKind,
  SERVICE_EMAIL_DOMAIN,
  serviceEmail,
} from "./automation";

describe("service accounts, the pure part", () => {
  it("makes an address from the name in the reserved domain, numbered when taken", () => {
    expect(serviceEmail("CI pipeline", new Set())).toBe("ci-pipeline@service.invalid");
    expect(serviceEmail("  Nightly evals (GPU) ", new Set())).toBe(
      "nightly-evals-gpu@service.invalid",
    );
    const taken = new Set(["ci-pipeline@service.invalid", "ci-pipeline-2@service.invalid"]);
    expect(serviceEmail("CI pipeline", taken)).toBe("ci-pipeline-3@service.invalid");
  });

  it("falls back to 'service' for a name with no letters or digits and keeps the slug short", () => {
    expect(serviceEmail("—", new Set())).toBe(`service@${SERVICE_EMAIL_DOMAIN}`);
    expect(serviceEmail("Café bot", new Set())).toBe("cafe-bot@service.invalid");
    const long = serviceEmail(`${"a".repeat(47)}-${"b".repeat(40)}`, new Set());
    expect(long).toBe(`${"a".repeat(47)}@service.invalid`);
  });

  it("tells automation kinds from a person's and names them in words", () => {
    expect(["api_key_id", "service_account_id", "project_id"].map(isAutomationKind)).toEqual([
      true,
      true,
      true,
    ]);
    expect(isAutomationKind("user_id")).toBe(false);
    expect(isAutomationKind("email")).toBe(false);
    expect(identityKindLabel("api_key_id")).toBe("API key");
    expect(identityKindLabel("project_id")).toBe("Project");
    expect(identityKindLabel("seat_id")).toBe("seat id");
  });
});
