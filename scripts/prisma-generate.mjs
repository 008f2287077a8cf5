// Generates the Prisma clients for both engines (prisma/sqlite and prisma/postgres).
// Prisma 7's CLI would try to download its native schema engine; `generate` never runs it,
// so pointing PRISMA_SCHEMA_ENGINE_BINARY at an existing file keeps this offline.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const cli = path.join(root, "node_modules", "prisma", "build", "index.js");
if (!fs.existsSync(cli)) process.exit(0);
for (const engine of ["sqlite", "postgres"]) {
  const schema = path.join(root, "prisma", engine);
  if (!fs.existsSync(schema)) continue;
  execFileSync(process.execPath, [cli, "generate", "--schema", schema], {
    cwd: root,
    stdio: ["ignore", "ignore", "inherit"],
    env: {
      ...process.env,
      PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? "/bin/true",
      PRISMA_HIDE_UPDATE_MESSAGE: "1",
      CHECKPOINT_DISABLE: "1",
      DATABASE_URL:
        engine === "sqlite" ? "file:./data/generate.db" : "postgresql://localhost/generate",
    },
  });
}
