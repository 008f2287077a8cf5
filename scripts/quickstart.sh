#!/usr/bin/env bash
# From a fresh clone to a running dashboard on SQLite with demo data. Run it again to
# reuse what exists (dependencies, database, build) and just start the server.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

PORT=${PORT:-3000}
export DATABASE_URL=${DATABASE_URL:-file:./data/allotment.db}
export ALLOTMENT_DEMO_MODE=${ALLOTMENT_DEMO_MODE:-1}
# Demo sign-in works at whatever address was opened (localhost, 127.0.0.1, the machine's
# name): next-auth takes the origin from the Host header unless NEXTAUTH_URL pins one.
# Outside demo mode the server refuses to start without NEXTAUTH_URL (lib/server/env.ts).
case "$ALLOTMENT_DEMO_MODE" in 1|true|yes) [ -n "${NEXTAUTH_URL:-}" ] || export AUTH_TRUST_HOST=1 ;; esac
# the budget-check API for gateways, on its own port (lib/gateway/api-server.ts)
export ALLOTMENT_GATEWAY_PORT=${ALLOTMENT_GATEWAY_PORT:-3001}
mkdir -p data
# Secrets for this installation, made once and kept under ./data (never committed).
if [ ! -f data/.secrets ]; then
  node -e 'const c=require("crypto");console.log(`NEXTAUTH_SECRET=${c.randomBytes(48).toString("base64url")}\nALLOTMENT_ENCRYPTION_KEY=${c.randomBytes(32).toString("base64")}`)' > data/.secrets
  chmod 600 data/.secrets
fi
set -a; source data/.secrets; set +a

ensure_node_modules
log "migrating the database ($DATABASE_URL)"
node scripts/db.mjs deploy >&2
log "loading demo data through the simulator (first run: ~10 s)"
npm run --silent seed
ensure_build

cat >&2 <<MSG

  Allotment is running at  http://localhost:$PORT
  Demo sign-in (one click each at /signin):
    owner@acme.example     Owner
    admin@acme.example     Admin
    finance@acme.example   Finance
    manager@acme.example   Group manager (Platform, Mobile)
    engineer@acme.example  Engineer
    ci-admin@acme.example  Admin of the second workspace (Acme CI)

  Gateways: GET http://localhost:$ALLOTMENT_GATEWAY_PORT/api/v1/budget-check?member=…
  with an API token (Settings → API tokens, scope budget:check)

MSG
exec npx next start -p "$PORT"
