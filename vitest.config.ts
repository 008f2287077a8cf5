import path from "node:path";

import { defineConfig } from "vitest/config";

const alias = {
  "@": path.resolve(import.meta.dirname),
  // lib/ modules that touch the database import "server-only"; tests run them directly.
  "server-only": path.resolve(import.meta.dirname, "tests/helpers/empty.ts"),
};

// Integration files share one module graph (isolate: false): loading the Prisma client and lib/
// once instead of once per file cut the SQLite run's CPU from 347 s to 120 s. Files that mock a
// module of their own (beyond the setup file's clock) need a graph of their own.
const OWN_MODULE_GRAPH = ["tests/integration/rate-gate-frozen.test.ts"];
const integration = {
  include: ["tests/integration/**/*.test.ts"],
  environment: "node",
  globalSetup: ["tests/helpers/global-setup.ts"],
  // lib/server/clock.ts's now() runs from the tests' pinned instant, never the machine's date
  setupFiles: ["tests/helpers/pin-app-clock.ts"],
  // a guard against hangs, not a speed check: with both cores taken by other work a sync
  // test has taken 75 s here, so allow three minutes before calling a test stuck
  testTimeout: 180_000,
  hookTimeout: 180_000,
  // files share one database per engine; each test makes its own workspace
  fileParallelism: false,
};

export default defineConfig({
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: "unit",
          include: ["lib/**/*.test.ts", "components/**/*.test.ts"],
          environment: "node",
          // pure modules, no module mocks: one module graph per worker (42.8 → 13.2 CPU-s a run)
          isolate: false,
          // generous: a busy 2-core machine must not fail a correct test on time (property tests set their own)
          testTimeout: 30_000,
        },
      },
      {
        resolve: { alias },
        test: { ...integration, name: "integration", exclude: OWN_MODULE_GRAPH, isolate: false },
      },
      {
        resolve: { alias },
        test: { ...integration, name: "integration-own-modules", include: OWN_MODULE_GRAPH },
      },
    ],
  },
});
