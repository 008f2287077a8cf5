import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";
import { defineConfig, globalIgnores } from "eslint/config";

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  globalIgnores([
    ".next/**",
    ".next-*/**",
    "node_modules/**",
    "lib/generated/**",
    "data/**",
    "test-results/**",
    "playwright-report/**",
    "bench/results/**",
    "next-env.d.ts",
  ]),
  {
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
      ],
      "no-restricted-syntax": [
        "error",
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message: "Read the environment through lib/server/env.ts.",
        },
      ],
      "no-restricted-imports": [
        "error",
        {
          paths: [
            {
              name: "next/link",
              message:
                "Use Link from components/ui/link.tsx: it prefetches a page when a person reaches for it, not whenever it scrolls into view.",
            },
          ],
        },
      ],
    },
  },
  { files: ["components/ui/link.tsx"], rules: { "no-restricted-imports": "off" } },
  {
    files: [
      "lib/server/env.ts",
      "lib/server/clock.ts",
      "instrumentation.ts",
      "next.config.ts",
      "scripts/**",
      "bench/**",
      "e2e/**",
      "tests/**",
      "playwright.config.ts",
      "vitest.config.ts",
      "**/*.test.ts",
    ],
    rules: { "no-restricted-syntax": "off" },
  },
]);
