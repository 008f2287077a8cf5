import { createHmac } from "node:crypto";

import { describe, expect, it } from "vitest";

import { checkSlackSignature, slackSignature } from "./signature";

// Slack's worked example (https://api.slack.com/authentication/verifying-requests-from-slack)
const SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
const TS = "1531420618";
const BODY =
  "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
const EXPECTED = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

const check = (o: Partial<Parameters<typeof checkSlackSignature>[0]>) =>
  checkSlackSignature({
    secrets: [SECRET],
    timestamp: TS,
    signature: EXPECTED,
    rawBody: BODY,
    nowSeconds: Number(TS),
    ...o,
  });

describe("Slack request signatures", () => {
  it("matches Slack's documented example", () => {
    expect(slackSignature(SECRET, TS, BODY)).toBe(EXPECTED);
    expect(check({})).toEqual({ ok: true, index: 0 });
  });

  it("tells which secret signed", () => {
    expect(check({ secrets: ["other-secret-1", SECRET, "other-secret-2"] })).toEqual({
      ok: true,
      index: 1,
    });
  });

  it("refuses forged, tampered, stale and missing signatures", () => {
    expect(check({ secrets: ["another secret"] })).toEqual({ ok: false, reason: "forged" });
    expect(check({ secrets: [] })).toEqual({ ok: false, reason: "forged" });
    expect(check({ rawBody: BODY.replace("roadrunner", "coyote") })).toEqual({
      ok: false,
      reason: "forged",
    });
    // the timestamp is part of what is signed: moving it breaks the signature
    expect(check({ timestamp: String(Number(TS) + 1), nowSeconds: Number(TS) })).toEqual({
      ok: false,
      reason: "forged",
    });
    expect(check({ nowSeconds: Number(TS) + 300 }).ok).toBe(true);
    expect(check({ nowSeconds: Number(TS) + 301 })).toEqual({ ok: false, reason: "stale" });
    expect(check({ nowSeconds: Number(TS) - 301 })).toEqual({ ok: false, reason: "stale" });
    expect(check({ signature: null })).toEqual({ ok: false, reason: "missing" });
    expect(check({ timestamp: null })).toEqual({ ok: false, reason: "missing" });
    expect(check({ timestamp: "1e9" })).toEqual({ ok: false, reason: "missing" });
    expect(check({ signature: EXPECTED.replace("v0=", "v1=") })).toEqual({
      ok: false,
      reason: "missing",
    });
    expect(check({ signature: EXPECTED.toUpperCase().replace("V0=", "v0=") })).toEqual({
      ok: false,
      reason: "missing",
    });
  });

  it("is HMAC-SHA256 of v0:timestamp:body", () => {
    const mac = createHmac("sha256", "s").update("v0:1:b").digest("hex");
    expect(slackSignature("s", "1", "b")).toBe(`v0=${mac}`);
  });
});
