/**
 * The layering rules, checked by the test command (`npm run depcheck`). Floors, lowest first:
 *   core    lib/core/**   — pure rules: money, periods, errors, JSON; no I/O, imports nothing of ours above it
 *   server  lib/server/** — infrastructure: database client, SQL dialect, env, clock, leases
 *   domain  lib/** else   — the product's rules (limits, ingestion, exports, …)
 *   ui      components/** — React; never a server module
 *   app     app/**        — pages, route handlers, server actions
 * A floor imports only floors below it (and itself). Type-only imports count: a cycle of
 * types is still a knot a reader has to untie.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "No import cycles, type-only ones included.",
      from: {},
      to: { circular: true },
    },
    {
      name: "lib-not-up",
      severity: "error",
      comment: "lib/ never imports app/ or components/.",
      from: { path: "^lib/" },
      to: { path: "^(app|components)/" },
    },
    {
      name: "core-stays-pure",
      severity: "error",
      comment: "lib/core imports only lib/core (and libraries).",
      from: { path: "^lib/core/" },
      to: { path: "^lib/", pathNot: "^lib/core/" },
    },
    {
      name: "server-below-domain",
      severity: "error",
      comment: "lib/server imports only lib/core, lib/server and the generated Prisma client.",
      from: { path: "^lib/server/" },
      to: { path: "^lib/", pathNot: "^lib/(core|server|generated)/" },
    },
    {
      name: "ui-not-server",
      severity: "error",
      comment:
        "components/ never imports server modules (the database, server-only code, route handlers).",
      from: { path: "^components/" },
      to: { path: "^(app/|lib/server/|lib/generated/|node_modules/server-only)" },
    },
    {
      name: "tests-not-in-product",
      severity: "error",
      comment: "Product code never imports test helpers, fakes or the bench.",
      from: { path: "^(app|components|lib)/" },
      to: { path: "^(tests|e2e|bench)/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(lib/generated|\\.next)" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default"],
    },
  },
};
