import { describe, expect, it } from "vitest";
import { z, ZodError } from "zod";

import { HttpInputError } from "../core/errors";
import { isJsonContentType, MAX_JSON_BODY_BYTES, readJsonBody, readNoBody } from "./read-json";

const schema = z.object({ amount: z.string().max(32), note: z.string().max(1000).optional() });

function post(
  body: BodyInit | null,
  contentType: string | null = "application/json",
  extra: Record<string, string> = {},
): Request {
  const headers: Record<string, string> = { ...extra };
  if (contentType !== null) headers["content-type"] = contentType;
  return new Request("http://app.test/api/x", { method: "POST", body, headers });
}

async function refusal(p: Promise<unknown>): Promise<HttpInputError> {
  const error = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HttpInputError);
  return error as HttpInputError;
}

describe("isJsonContentType", () => {
  it("takes application/json with an optional UTF-8 charset", () => {
    for (const ok of [
      "application/json",
      "Application/JSON",
      "application/json; charset=utf-8",
      "application/json;charset=UTF-8",
      'application/json; charset="utf-8"',
      "application/json;",
    ])
      expect(isJsonContentType(ok), ok).toBe(true);
  });
  it("refuses everything else", () => {
    for (const bad of [
      null,
      "",
      "text/plain",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x",
      "application/json-patch+json",
      "application/json; charset=latin1",
      "application/json; foo=bar",
      "text/json",
    ])
      expect(isJsonContentType(bad), String(bad)).toBe(false);
  });
});

describe("readJsonBody", () => {
  it("parses a JSON body through the schema", async () => {
    expect(await readJsonBody(post('{"amount":"5","note":"x","extra":1}'), schema)).toEqual({
      amount: "5",
      note: "x",
    });
  });

  it("a truncated body is 400 Malformed JSON, never {} or defaults", async () => {
    const e = await refusal(
      readJsonBody(post('{"amount":"5","note":"x"'), z.object({ amount: z.string().optional() })),
    );
    expect(e.status).toBe(400);
    expect(e.message).toMatch(/^Malformed JSON body: \S/);
  });

  it("an empty body is 400, not an empty object", async () => {
    const e = await refusal(readJsonBody(post(""), z.object({}).loose()));
    expect(e.status).toBe(400);
    expect(e.message).toMatch(/Malformed JSON body: the body is empty/);
    expect((await refusal(readJsonBody(post(null), z.object({})))).status).toBe(400);
  });

  it("415 for text/plain, form bodies and a missing Content-Type", async () => {
    for (const ct of [
      "text/plain",
      "text/plain;charset=UTF-8",
      "application/x-www-form-urlencoded",
      null,
    ]) {
      const e = await refusal(readJsonBody(post('{"amount":"5"}', ct), schema));
      expect(e.status, String(ct)).toBe(415);
      expect(e.message).toMatch(/application\/json/);
    }
  });

  it("413 beyond the size cap, by Content-Length or while reading", async () => {
    const big = JSON.stringify({ amount: "5", note: "x".repeat(MAX_JSON_BODY_BYTES) });
    expect((await refusal(readJsonBody(post(big), schema))).status).toBe(413);
    // no Content-Length: a streamed body is cut off at the cap
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < 20; i++) c.enqueue(new TextEncoder().encode("x".repeat(8 * 1024)));
        c.close();
      },
    });
    const streamed = new Request("http://app.test/", {
      method: "POST",
      body: stream,
      headers: { "content-type": "application/json" },
      duplex: "half",
    } as RequestInit);
    expect((await refusal(readJsonBody(streamed, schema))).status).toBe(413);
  });

  it("a body that breaks off mid-stream is 400, not {}", async () => {
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode('{"amount":'));
        c.error(new Error("socket hang up"));
      },
    });
    const req = new Request("http://app.test/", {
      method: "POST",
      body: stream,
      headers: { "content-type": "application/json" },
      duplex: "half",
    } as RequestInit);
    const e = await refusal(readJsonBody(req, schema));
    expect(e.status).toBe(400);
    expect(e.message).toMatch(/could not be read/);
  });

  it("invalid UTF-8 is 400", async () => {
    const e = await refusal(readJsonBody(post(new Uint8Array([0x7b, 0xff, 0x7d])), schema));
    expect(e.status).toBe(400);
  });

  it("schema failures stay ZodErrors (400 naming the field in errorAnswer)", async () => {
    await expect(readJsonBody(post('{"amount":5}'), schema)).rejects.toBeInstanceOf(ZodError);
    await expect(
      readJsonBody(post('{"amount":"5","note":"' + "n".repeat(1001) + '"}'), schema),
    ).rejects.toBeInstanceOf(ZodError);
    await expect(readJsonBody(post("[1e10000000]"), schema)).rejects.toBeInstanceOf(ZodError);
    await expect(
      readJsonBody(post('{"n":1e10000000}'), z.object({ n: z.number() })),
    ).rejects.toBeInstanceOf(ZodError);
  });

  it("a long parser message is cut short", async () => {
    const e = await refusal(readJsonBody(post("{" + "x".repeat(5000)), schema));
    expect(e.message.length).toBeLessThan(160);
  });
});

describe("readNoBody", () => {
  it("passes an empty body", async () => {
    await readNoBody(post(null, null));
    await readNoBody(post("", "application/json"));
  });
  it("refuses any body: 415 when not JSON, 400 otherwise", async () => {
    expect((await refusal(readNoBody(post('{"a":1}', "text/plain")))).status).toBe(415);
    expect(
      (await refusal(readNoBody(post("a=1", "application/x-www-form-urlencoded")))).status,
    ).toBe(415);
    expect((await refusal(readNoBody(post('{"a":1', "application/json")))).status).toBe(400);
    expect((await refusal(readNoBody(post("x".repeat(5000), "application/json")))).status).toBe(
      413,
    );
  });
});
