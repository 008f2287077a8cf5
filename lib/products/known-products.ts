/**
 * A workspace's known products: the ids a limit, a request or an auto-approval policy may be
 * scoped to. Pure: the lists come from load-known-products.ts (usage data and connected
 * vendors); this module says which products a vendor brings, how they are labelled, and
 * refuses an unknown id with a ZodError naming the field (400 in lib/auth/guards.ts), so a
 * typo like "codexx" never becomes a limit that matches nothing.
 */
import { z } from "zod";

/** What a product id looks like (the same rule as the policy and request schemas). */
export const PRODUCT_ID = /^[a-z0-9_.-]{1,40}$/;

/**
 * The products a connected source reports, known before its first sync. Keys are connection
 * kinds and vendor-connector vendors; a file import brings whatever its rows name.
 */
export const VENDOR_PRODUCTS: Readonly<Record<string, readonly string[]>> = {
  openai: ["api"],
  anthropic: ["api", "claude_code"],
  chatgpt: ["chatgpt", "codex"],
  claude: ["claude_code"],
  github: ["copilot"],
  github_copilot: ["copilot"],
  cursor: ["cursor"],
  simulator: ["chatgpt", "codex", "api", "claude_code"],
};

const LABELS: Readonly<Record<string, string>> = {
  codex: "Codex",
  chatgpt: "ChatGPT",
  claude_code: "Claude Code",
  api: "API (OpenAI, Anthropic)",
  copilot: "GitHub Copilot",
  cursor: "Cursor",
};

/** The common products first, in this order; others after them, alphabetically. */
const ORDER = Object.keys(LABELS);

export interface KnownProduct {
  id: string;
  label: string;
}

export function productLabel(id: string): string {
  return LABELS[id] ?? id;
}

/** Ids as one sorted, de-duplicated list of valid product ids (others cannot be scoped to). */
export function sortProducts(ids: Iterable<string>): string[] {
  const rank = (id: string) => {
    const i = ORDER.indexOf(id);
    return i < 0 ? ORDER.length : i;
  };
  return [...new Set(ids)]
    .filter((id) => PRODUCT_ID.test(id))
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

export function knownProductsOf(ids: Iterable<string>): KnownProduct[] {
  return sortProducts(ids).map((id) => ({ id, label: productLabel(id) }));
}

/** "unknown product 'codexx'; known: codex, chatgpt, …" */
export function unknownProductMessage(product: string, known: readonly string[]): string {
  const list = known.length ? known.join(", ") : "none yet (no usage and no connected vendor)";
  return `unknown product '${product}'; known: ${list}`;
}

/** One product field of a body: its path and value ("" = all products, always allowed). */
export interface ProductField {
  path: (string | number)[];
  value: string;
}

/**
 * Throws a ZodError with one issue per unknown product (the route answers 400 naming the
 * field, as for any other bad field). "" means all products and is always allowed.
 */
export function assertKnownProducts(known: readonly string[], fields: ProductField[]): void {
  const issues = fields
    .filter((f) => f.value !== "" && !known.includes(f.value))
    .map((f) => ({
      code: "custom" as const,
      path: f.path,
      message: unknownProductMessage(f.value, known),
      input: f.value,
    }));
  if (issues.length) throw new z.ZodError(issues);
}

/** A list field's entries as product fields (path + index). */
export function productFields(
  path: (string | number)[],
  values: readonly string[],
): ProductField[] {
  return values.map((value, i) => ({ path: [...path, i], value }));
}
