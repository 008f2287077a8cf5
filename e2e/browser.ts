/**
 * The browser the e2e suite and the benchmark's page timings run (playwright.config.ts,
 * bench/sections/pages.ts): Debian's headless-only Chromium (what the test command installs),
 * else the full browser, with the same flags.
 */
import { existsSync } from "node:fs";

export function chromiumPath(): string {
  const headlessShell = "/usr/bin/chromium-headless-shell";
  return existsSync(headlessShell) ? headlessShell : "/usr/bin/chromium";
}

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
