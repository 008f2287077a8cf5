#!/usr/bin/env bash
# The whole test suite: typecheck, lint, unit tests, integration tests on SQLite and on a
# real PostgreSQL 15, a production build, and Playwright e2e in Chromium on both engines.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
export TZ=${TZ:-UTC}
started=$(date +%s)
step() { log "[$(( $(date +%s) - started ))s] $*"; }

# the Debian packages download while npm installs and the static checks run
ensure_test_packages &
apt_pid=$!
ensure_node_modules defer-native

typecheck() { npx tsc --noEmit; }
lint() { npx eslint --max-warnings 0 .; }
format_and_layers() {
  step "format (Prettier: print width 100, import order, Tailwind class order)"
  local fmt_log; fmt_log=$(mktemp)
  npx prettier --check . > "$fmt_log" 2>&1 || { grep -v "^Checking" "$fmt_log"; echo "Run npm run format and commit." >&2; exit 1; }
  step "layering (dependency-cruiser: no import cycles, no upward imports, UI never imports server modules)"
  npx depcruise app components lib --config .dependency-cruiser.cjs --output-type err
}
# better-sqlite3 compiles from source on one core for about a minute, longer than the static
# checks take on the other; the migrations check and the unit tests (one of which opens SQLite)
# follow it on its core instead of waiting for all of them
native_then_unit() {
  build_native_modules
  step "migrations match the schema"
  local check_db; check_db=$(mktemp -d)/check.db
  DATABASE_URL="file:$check_db" node scripts/db.mjs check
  step "unit tests (TZ=UTC)"
  TZ=UTC npx vitest run --project unit
}
step "at once: typecheck, lint, format, layering; beside them the native modules' build, then the migrations check and the unit tests"
run_parallel typecheck lint format_and_layers native_then_unit
# No test may read the machine's date: a second run moves it (libfaketime) so that a month
# boundary passes while it runs; tests that pinned "today" through the clock do not notice.
unit_shifted() {
  log "unit tests again: TZ=Pacific/Kiritimati with the clock 10 s before next month's end"
  if command -v faketime >/dev/null; then
    TZ=Pacific/Kiritimati faketime -f "+$(seconds_to_next_month_end)s" npx vitest run --project unit
  elif [ "${CI:-}" = "true" ]; then
    log "faketime is required under CI=true but could not be installed"; exit 1
  else
    log "WARNING: no faketime; the second unit run uses the real clock"
    TZ=Pacific/Kiritimati npx vitest run --project unit
  fi
}

# faketime (the shifted unit run) and the browser are needed from here on
wait "$apt_pid"

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
# the e2e journeys' own database on the same server, so that it is seeded while the
# integration tests use theirs
# another database on PG_URL's server, with PG_URL's query string (sslmode=… and the like)
pg_database_url() { local base=${PG_URL%%\?*}; echo "${base%/*}/$1${PG_URL#"$base"}"; }
PG_E2E_URL=""
[ -n "$PG_URL" ] && PG_E2E_URL=$(pg_database_url allotment_e2e)
SQLITE_E2E_URL="file:./data/e2e.db"

# the integration files that share one module graph, then those that need their own (vitest.config.ts)
integration_tests() { npx vitest run --project integration && npx vitest run --project integration-own-modules; }
integration_sqlite() { DATABASE_URL= integration_tests; }
# the same tests on a real PostgreSQL, in another time zone
integration_pg() { TZ=Pacific/Kiritimati DATABASE_URL="$PG_URL" integration_tests; }
build() { ALLOTMENT_BUILD_SKIP_TYPECHECK=1 ensure_build; }

# The e2e journeys run on the demo data, seeded at the pinned e2e "today" (e2e/clock.ts), never
# at the machine's date, without the demo's limits, requests and alerts (the main suite's
# journeys set their own up). Seeding needs no build, so it runs beside the integration tests.
seed_e2e_data() {
  local url=$1 port=$2
  if [[ "$url" == file:* ]]; then rm -f "${url#file:}" "${url#file:}"-*; else node scripts/pg-snapshot.mjs create "$url"; fi
  local clock_file
  clock_file=$(E2E_PORT=$port E2E_DATABASE_URL="$url" npx tsx e2e/pin-clock.ts)
  DATABASE_URL="$url" node scripts/db.mjs deploy >/dev/null
  DATABASE_URL="$url" ALLOTMENT_DEMO_MODE=1 ALLOTMENT_ALLOW_CLOCK_OVERRIDE=1 ALLOTMENT_CLOCK_FILE="$clock_file" ALLOTMENT_SEED_GOVERNANCE=0 npm run --silent seed
}
seed_e2e_sqlite() { seed_e2e_data "$SQLITE_E2E_URL" 3107; }
seed_e2e_pg() { seed_e2e_data "$PG_E2E_URL" 3207; }

# A seeded database with its signed-in sessions (e2e/.auth/<port>/), kept and put back: SQLite
# the files, written by processes that have exited; PostgreSQL a template database
# (scripts/pg-snapshot.mjs).
keep_e2e_db() {
  local url=$1 f
  if [[ "$url" == file:* ]]; then
    local db=${url#file:}
    rm -f "$db".kept "$db".kept-*
    for f in "$db" "$db"-*; do [ -e "$f" ] && cp "$f" "$db.kept${f#"$db"}"; done
  else
    node scripts/pg-snapshot.mjs save "$url" kept
  fi
  rm -rf "e2e/.auth/$E2E_PORT-kept" && cp -r "e2e/.auth/$E2E_PORT" "e2e/.auth/$E2E_PORT-kept"
}
restore_e2e_db() {
  local url=$1 f
  if [[ "$url" == file:* ]]; then
    local db=${url#file:}
    rm -f "$db" "$db"-*
    for f in "$db".kept "$db".kept-*; do [ -e "$f" ] && cp "$f" "$db${f#"$db".kept}"; done
  else
    node scripts/pg-snapshot.mjs restore "$url" kept
  fi
  rm -rf "e2e/.auth/$E2E_PORT" && cp -r "e2e/.auth/$E2E_PORT-kept" "e2e/.auth/$E2E_PORT"
}
# One engine's browser journeys on its own servers (E2E_PORT: app, E2E_PORT+10000: OpenID
# provider, E2E_PORT+20000: single sign-on app), clock file and sessions (e2e/clock.ts, roles.ts).
# On PostgreSQL the journeys listed in e2e/sqlite-only.json are left out.
e2e_signin() {
  local url=$1 label=$2
  export E2E_PORT=$3 E2E_DATABASE_URL=$1
  step "e2e on $label: the six roles sign in (e2e/auth.setup.ts, clicking the sign-in page)"
  rm -rf "e2e/.auth/$E2E_PORT"
  E2E_ISOLATED=1 npx playwright test --project=setup
  keep_e2e_db "$url"
}
run_e2e() {
  local url=$1 label=$2 engine=$4
  export E2E_PORT=$3 E2E_DATABASE_URL=$1
  step "e2e on $label: Playwright"
  npx playwright test --project=chromium --no-deps
  local skip="" spec name
  [ "$engine" = postgres ] && skip=$(node -p "Object.keys(require('./e2e/sqlite-only.json').specs).join('\n')")
  # the journeys on the governed demo (demo-*) only look, or file a request none of the others
  # counts on: one governed database for all of them, the kept one with the demo's governance
  # added (the seed is idempotent: it tops the usage up and adds limits, requests and alerts)
  step "e2e on $label: e2e/isolated/demo-* on the demo with its governance"
  restore_e2e_db "$url"
  DATABASE_URL="$url" ALLOTMENT_DEMO_MODE=1 ALLOTMENT_ALLOW_CLOCK_OVERRIDE=1 ALLOTMENT_CLOCK_FILE="$(npx tsx e2e/pin-clock.ts)" ALLOTMENT_SEED_GOVERNANCE=1 npm run --silent seed
  E2E_ISOLATED=1 npx playwright test --project=chromium --no-deps e2e/isolated/demo-
  # journeys that leave a vendor's state behind: each on a fresh copy of the kept database
  for spec in e2e/isolated/*.spec.ts; do
    name=$(basename "$spec")
    [[ "$name" == demo-* ]] && continue
    grep -qxF "isolated/$name" <<< "$skip" && continue
    step "e2e on $label: $spec on a fresh database"
    restore_e2e_db "$url"
    # the pinned "today" again (a journey before may have moved the server's clock)
    E2E_DATABASE_URL="$url" npx tsx e2e/pin-clock.ts >/dev/null
    E2E_ISOLATED=1 npx playwright test --project=chromium --no-deps "$spec"
  done
}
bench_smoke() {
  step "benchmark smoke run (npm run bench -- --small; figures are not judged, agreement is)"
  npx tsx --conditions=react-server bench/run.ts --small --file ./data/bench-ci.db >/dev/null
}
signin_sqlite() { e2e_signin "$SQLITE_E2E_URL" "SQLite" 3107; }
signin_pg() { e2e_signin "$PG_E2E_URL" "PostgreSQL" 3207; }
# Everything the browser journeys need, beside the integration tests (whose last minutes leave a
# core idle): the build and the e2e databases' seeds, then the sign-ins and the benchmark smoke
# run (on a SQLite file of its own; it needs the build). Run at the end, the smoke run had the
# machine's last two minutes to itself on one core.
prepare_e2e() {
  if [ -n "$PG_URL" ]; then
    run_parallel build seed_e2e_sqlite seed_e2e_pg
    run_parallel signin_sqlite signin_pg bench_smoke
  else
    run_parallel build seed_e2e_sqlite
    run_parallel signin_sqlite bench_smoke
  fi
}
if [ -n "$PG_URL" ]; then
  step "at once: integration tests on SQLite and on PostgreSQL (TZ=Pacific/Kiritimati), the shifted-clock unit run, and the e2e preparation (build and seeds, then sign-ins and the benchmark smoke run)"
  run_parallel integration_sqlite integration_pg unit_shifted prepare_e2e
else
  step "at once: integration tests on SQLite, the shifted-clock unit run, and the e2e preparation (build and seed, then sign-in and the benchmark smoke run)"
  run_parallel integration_sqlite unit_shifted prepare_e2e
fi

e2e_sqlite() { run_e2e "$SQLITE_E2E_URL" "SQLite" 3107 sqlite; }
e2e_pg() { run_e2e "$PG_E2E_URL" "PostgreSQL" 3207 postgres; }
if [ -n "$PG_URL" ]; then
  step "e2e on SQLite and on PostgreSQL, at once"
  run_parallel e2e_sqlite e2e_pg
else
  step "e2e on SQLite"
  e2e_sqlite
fi
step "all green"
