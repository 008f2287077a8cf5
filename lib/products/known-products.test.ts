import { describe, expect, it } from "vitest";
import { ZodError } from "zod";

import { errorAnswer } from "../auth/guards";
import {
  assertKnownProducts,
  knownProductsOf,
  sortProducts,
  unknownProductMessage,
} from "./known-products";

const KNOWN = ["codex", "chatgpt", "claude_code", "api"];

describe("known products", () => {
  it("sorts the common products first, drops duplicates and ids no limit can be scoped to", () => {
    expect(
      sortProducts(["zed", "api", "codex", "api", "ChatGPT Enterprise", "", "claude_code"]),
    ).toEqual(["codex", "claude_code", "api", "zed"]);
    expect(knownProductsOf(["cursor", "copilot"])).toEqual([
      { id: "copilot", label: "GitHub Copilot" },
      { id: "cursor", label: "Cursor" },
    ]);
  });

  it("accepts known products and all products (empty)", () => {
    expect(() =>
      assertKnownProducts(KNOWN, [
        { path: ["product"], value: "codex" },
        { path: ["products", 0], value: "" },
      ]),
    ).not.toThrow();
  });

  it("refuses an unknown product with a 400 naming the field and the known ones", () => {
    let caught: unknown;
    try {
      assertKnownProducts(KNOWN, [{ path: ["product"], value: "codexx" }]);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ZodError);
    const answer = errorAnswer(caught);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      error: "Invalid product: unknown product 'codexx'; known: codex, chatgpt, claude_code, api",
      issues: [{ field: "product" }],
    });
  });

  it("names each unknown entry of a list by its index", () => {
    let caught: unknown;
    try {
      assertKnownProducts(KNOWN, [
        { path: ["products", 0], value: "codex" },
        { path: ["products", 1], value: "unknown-product" },
      ]);
    } catch (error) {
      caught = error;
    }
    expect((caught as ZodError).issues.map((i) => i.path.join("."))).toEqual(["products.1"]);
    expect(unknownProductMessage("x", [])).toBe(
      "unknown product 'x'; known: none yet (no usage and no connected vendor)",
    );
  });
});
