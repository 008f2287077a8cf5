#!/usr/bin/env bash
# The whole test suite: typecheck, lint, unit tests, integration tests on SQLite and on a
# real PostgreSQL 15, a production build, and Playwright e2e in Chromium on both engines.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
export TZ=${TZ:-UTC}
started=$(date +%s)
step() { log "[$(( $(date +%s) - started ))s] $*"; }

ensure_node_modules
if [ "${CI:-}" = "true" ] && ! git diff --quiet -- package-lock.json; then
  log "package-lock.json changed during install: commit the lockfile"; git diff --stat -- package-lock.json; exit 1
fi
ensure_chromium

step "typecheck"; npx tsc --noEmit
step "lint"; npx eslint --max-warnings 0 .
step "migrations match the schema"
check_db=$(mktemp -d)/check.db; DATABASE_URL="file:$check_db" node scripts/db.mjs check
step "unit tests (TZ=UTC and TZ=Pacific/Kiritimati)"
TZ=UTC npx vitest run --project unit
TZ=Pacific/Kiritimati npx vitest run --project unit

PG_URL=${DATABASE_URL_PG:-}
pg_dir=""
cleanup() { [ -n "$pg_dir" ] && bash scripts/pg-test-server.sh stop "$pg_dir"; }
trap cleanup EXIT
if [ -z "$PG_URL" ]; then
  if out=$(bash scripts/pg-test-server.sh start); then
    eval "$out"; pg_dir=$ALLOTMENT_PG_DIR; PG_URL=$DATABASE_URL_PG
  elif [ "${CI:-}" = "true" ]; then
    log "PostgreSQL is required under CI=true but could not be started"; exit 1
  else
    log "WARNING: no PostgreSQL available; skipping the PostgreSQL runs"
  fi
fi

step "integration tests on SQLite"
DATABASE_URL= npx vitest run --project integration
if [ -n "$PG_URL" ]; then
  step "integration tests on PostgreSQL (TZ=Pacific/Kiritimati)"
  TZ=Pacific/Kiritimati DATABASE_URL="$PG_URL" npx vitest run --project integration
fi

step "production build"; ensure_build

run_e2e() {
  local url=$1 label=$2
  step "e2e on $label: migrate + seed"
  if [[ "$url" == file:* ]]; then rm -f "${url#file:}" "${url#file:}"-*; else DATABASE_URL="$url" node scripts/db.mjs reset >/dev/null; fi
  DATABASE_URL="$url" node scripts/db.mjs deploy >/dev/null
  DATABASE_URL="$url" npm run --silent seed
  step "e2e on $label: Playwright"
  E2E_DATABASE_URL="$url" npx playwright test
}
run_e2e "file:./data/e2e.db" "SQLite"
[ -n "$PG_URL" ] && run_e2e "$PG_URL" "PostgreSQL"
step "benchmark smoke run (npm run bench -- --small; figures are not judged, agreement is)"
npx tsx --conditions=react-server bench/run.ts --small --file ./data/bench-ci.db >/dev/null
step "all green"
