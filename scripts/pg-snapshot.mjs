// A seeded PostgreSQL database kept as a template copy, so the e2e runs that need the same
// seed again get it in a second instead of seeding for half a minute (scripts/test-all.sh).
//   node scripts/pg-snapshot.mjs save|restore|has|clear|create <postgresql-url> [name]
// "has" exits 1 when there is no snapshot of that name; "clear" drops every snapshot; "create"
// makes the URL's database anew (empty).
import pg from "pg";

const [cmd, url, name = "0"] = process.argv.slice(2);
if (!cmd || !url?.startsWith("postgres")) {
  console.error(
    "usage: node scripts/pg-snapshot.mjs save|restore|has|clear|create <postgresql-url> [name]",
  );
  process.exit(2);
}
const database = decodeURIComponent(new URL(url).pathname.slice(1));
const prefix = `${database}_e2e_snapshot_`;
const quote = (identifier) => `"${identifier.replace(/"/g, '""')}"`;
// DDL from another database: a template may have no other session while it is copied, so the
// admin session sits on "postgres" (template1 is what other tests' CREATE DATABASE copies)
const admin = new URL(url);
admin.pathname = database === "postgres" ? "/template1" : "/postgres";
const client = new pg.Client({ connectionString: admin.toString() });
await client.connect();
try {
  const snapshot = prefix + name;
  if (cmd === "save") {
    await client.query(`DROP DATABASE IF EXISTS ${quote(snapshot)}`);
    await client.query(`CREATE DATABASE ${quote(snapshot)} TEMPLATE ${quote(database)}`);
  } else if (cmd === "restore") {
    await client.query(`DROP DATABASE IF EXISTS ${quote(database)} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${quote(database)} TEMPLATE ${quote(snapshot)}`);
  } else if (cmd === "create") {
    await client.query(`DROP DATABASE IF EXISTS ${quote(database)} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${quote(database)} TEMPLATE template0`);
  } else if (cmd === "has") {
    const r = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [snapshot]);
    process.exitCode = r.rowCount ? 0 : 1;
  } else if (cmd === "clear") {
    const r = await client.query("SELECT datname FROM pg_database WHERE starts_with(datname, $1)", [
      prefix,
    ]);
    for (const row of r.rows)
      await client.query(`DROP DATABASE ${quote(row.datname)} WITH (FORCE)`);
  } else {
    console.error(`pg-snapshot: unknown command ${cmd}`);
    process.exitCode = 2;
  }
} finally {
  await client.end();
}
