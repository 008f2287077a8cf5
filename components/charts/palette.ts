/** Stable colours per series name, so a product has the same colour on every chart. */
const KNOWN: Record<string, string> = {
  chatgpt: "#10a37f",
  codex: "#2f6fed",
  api: "#f59e0b",
  claude_code: "#d97757",
  cursor: "#7c3aed",
  copilot: "#24292f",
};
const FALLBACK = [
  "#6366f1",
  "#0ea5e9",
  "#84cc16",
  "#ec4899",
  "#14b8a6",
  "#a855f7",
  "#f97316",
  "#64748b",
];

export function colorFor(name: string, index: number): string {
  return KNOWN[name] ?? FALLBACK[index % FALLBACK.length]!;
}

export const PRODUCT_LABELS: Record<string, string> = {
  chatgpt: "ChatGPT",
  codex: "Codex",
  api: "API",
  claude_code: "Claude Code",
  cursor: "Cursor",
  copilot: "GitHub Copilot",
};

export function productLabel(p: string): string {
  return PRODUCT_LABELS[p] ?? p;
}
