#!/usr/bin/env bash
# The whole test suite: typecheck, lint, unit tests, integration tests on SQLite and on a
# real PostgreSQL 15, a production build, and Playwright e2e in Chromium on both engines.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
export TZ=${TZ:-UTC}
started=$(date +%s)
step() { log "[$(( $(date +%s) - started ))s] $*"; }

# the Debian packages download while npm installs
ensure_test_packages &
apt_pid=$!
ensure_node_modules defer-native
wait "$apt_pid"

typecheck() { npx tsc --noEmit; }
lint() { npx eslint --max-warnings 0 .; }
format_and_layers() {
  step "format (Prettier: print width 100, import order, Tailwind class order)"
  local fmt_log; fmt_log=$(mktemp)
  npx prettier --check . > "$fmt_log" 2>&1 || { grep -v "^Checking" "$fmt_log"; echo "Run npm run format and commit." >&2; exit 1; }
  step "layering (dependency-cruiser: no import cycles, no upward imports, UI never imports server modules)"
  npx depcruise app components lib --config .dependency-cruiser.cjs --output-type err
}
step "static checks at once: typecheck, lint, format, layering; beside them the native modules' build"
run_parallel typecheck lint format_and_layers build_native_modules
step "migrations match the schema"
check_db=$(mktemp -d)/check.db
DATABASE_URL="file:$check_db" node scripts/db.mjs check

step "unit tests (TZ=UTC; then TZ=Pacific/Kiritimati with the clock 10 s before next month's end)"
TZ=UTC npx vitest run --project unit
# No test may read the machine's date: the second run moves it (libfaketime) so that a month
# boundary passes while it runs; tests that pinned "today" through the clock do not notice.
if command -v faketime >/dev/null; then
  TZ=Pacific/Kiritimati faketime -f "+$(seconds_to_next_month_end)s" npx vitest run --project unit
elif [ "${CI:-}" = "true" ]; then
  log "faketime is required under CI=true but could not be installed"; exit 1
else
  log "WARNING: no faketime; the second unit run uses the real clock"
  TZ=Pacific/Kiritimati npx vitest run --project unit
fi

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

# the integration files that share one module graph, then those that need their own (vitest.config.ts)
integration_tests() { npx vitest run --project integration && npx vitest run --project integration-own-modules; }
integration_sqlite() { DATABASE_URL= integration_tests; }
# the same tests on a real PostgreSQL, in another time zone
integration_pg() { TZ=Pacific/Kiritimati DATABASE_URL="$PG_URL" integration_tests; }
build() { ALLOTMENT_BUILD_SKIP_TYPECHECK=1 ensure_build; }
if [ -n "$PG_URL" ]; then
  step "integration tests on SQLite and on PostgreSQL (TZ=Pacific/Kiritimati), and the production build, at once"
  run_parallel integration_sqlite integration_pg build
else
  step "integration tests on SQLite and the production build, at once"
  run_parallel integration_sqlite build
fi

# a fresh database with the demo data, anchored to the pinned e2e "today" (e2e/clock.ts),
# never to the machine's date; without the demo's limits, requests and alerts (the journeys
# set them up themselves) unless the second argument is "governed"; with the six roles signed
# in by e2e/auth.setup.ts (clicking the sign-in page) on a server of its own. The same seed at
# the same pinned "today" is the same database, so each kind is seeded and signed in once per
# run and then copied with its sessions (SQLite: the files, written by processes that have
# exited; PostgreSQL: a template database, scripts/pg-snapshot.mjs; the browser's side:
# e2e/.auth/<port>/, kept beside it) — every later Playwright run starts signed in (--no-deps).
seed_e2e() {
  local url=$1 governance=0
  [ "${2:-}" = "governed" ] && governance=1
  local clock_file
  clock_file=$(E2E_DATABASE_URL="$url" npx tsx e2e/pin-clock.ts)
  local db="" saved="" f
  local sessions="e2e/.auth/$E2E_PORT" saved_sessions="e2e/.auth/$E2E_PORT-seeded-$governance"
  if [[ "$url" == file:* ]]; then
    db=${url#file:} saved=${url#file:}.seeded-$governance
    rm -f "$db" "$db"-*
    if [ -f "$saved" ]; then
      for f in "$saved" "$saved"-*; do [ -e "$f" ] && cp "$f" "$db${f#"$saved"}"; done
      rm -rf "$sessions" && cp -r "$saved_sessions" "$sessions"
      return 0
    fi
  elif node scripts/pg-snapshot.mjs has "$url" "$governance"; then
    node scripts/pg-snapshot.mjs restore "$url" "$governance"
    rm -rf "$sessions" && cp -r "$saved_sessions" "$sessions"
    return 0
  else
    DATABASE_URL="$url" node scripts/db.mjs reset >/dev/null
  fi
  DATABASE_URL="$url" node scripts/db.mjs deploy >/dev/null
  DATABASE_URL="$url" ALLOTMENT_DEMO_MODE=1 ALLOTMENT_ALLOW_CLOCK_OVERRIDE=1 ALLOTMENT_CLOCK_FILE="$clock_file" ALLOTMENT_SEED_GOVERNANCE=$governance npm run --silent seed
  rm -rf "$sessions"
  E2E_ISOLATED=1 npx playwright test --project=setup
  if [ -n "$db" ]; then
    for f in "$db" "$db"-*; do [ -e "$f" ] && cp "$f" "$saved${f#"$db"}"; done
  else
    node scripts/pg-snapshot.mjs save "$url" "$governance"
  fi
  rm -rf "$saved_sessions" && cp -r "$sessions" "$saved_sessions"
  return 0
}
# One engine's browser journeys on its own servers (E2E_PORT: app, E2E_PORT+10000: OpenID
# provider, E2E_PORT+20000: single sign-on app), clock file and sessions (e2e/clock.ts, roles.ts).
# On PostgreSQL the journeys listed in e2e/sqlite-only.json are left out.
run_e2e() {
  local url=$1 label=$2 engine=$4
  export E2E_PORT=$3 E2E_DATABASE_URL=$1
  step "e2e on $label: migrate + seed"
  if [[ "$url" == file:* ]]; then rm -f "${url#file:}".seeded-*; else node scripts/pg-snapshot.mjs clear "$url"; fi
  rm -rf "e2e/.auth/$E2E_PORT"-seeded-*
  seed_e2e "$url"
  step "e2e on $label: Playwright"
  npx playwright test --project=chromium --no-deps
  local skip="" spec name
  [ "$engine" = postgres ] && skip=$(node -p "Object.keys(require('./e2e/sqlite-only.json').specs).join('\n')")
  # the journeys on the governed demo (demo-*) only look, or file a request none of the others
  # counts on: one fresh governed database for all of them
  step "e2e on $label: e2e/isolated/demo-* on one fresh governed database"
  seed_e2e "$url" governed
  E2E_ISOLATED=1 npx playwright test --project=chromium --no-deps e2e/isolated/demo-
  # journeys that leave a vendor's state behind: each on a fresh database of its own
  for spec in e2e/isolated/*.spec.ts; do
    name=$(basename "$spec")
    [[ "$name" == demo-* ]] && continue
    grep -qxF "isolated/$name" <<< "$skip" && continue
    step "e2e on $label: $spec on a fresh database"
    seed_e2e "$url"
    E2E_ISOLATED=1 npx playwright test --project=chromium --no-deps "$spec"
  done
}
bench_smoke() {
  step "benchmark smoke run (npm run bench -- --small; figures are not judged, agreement is)"
  npx tsx --conditions=react-server bench/run.ts --small --file ./data/bench-ci.db >/dev/null
}
# SQLite's chain holds the accessibility scan (SQLite only), so the benchmark smoke run (on a
# SQLite file of its own) follows PostgreSQL's journeys: the two chains end closer together
e2e_sqlite() { run_e2e "file:./data/e2e.db" "SQLite" 3107 sqlite; }
e2e_pg() {
  run_e2e "$PG_URL" "PostgreSQL" 3207 postgres
  bench_smoke
}
if [ -n "$PG_URL" ]; then
  step "e2e on SQLite and on PostgreSQL (then the benchmark smoke run), at once"
  run_parallel e2e_sqlite e2e_pg
else
  step "e2e on SQLite, then the benchmark smoke run"
  e2e_sqlite_then_bench() {
    e2e_sqlite
    bench_smoke
  }
  run_parallel e2e_sqlite_then_bench
fi
step "all green"
