# Shared by quickstart.sh and test-all.sh: environment and dependency checks.
export NEXT_TELEMETRY_DISABLED=1
# better-sqlite3 compiles from source: use the machine's Node headers, never a download
export npm_config_nodedir=${npm_config_nodedir:-/usr}
export PRISMA_HIDE_UPDATE_MESSAGE=1 CHECKPOINT_DISABLE=1

log() { printf '\033[1m[allotment]\033[0m %s\n' "$*" >&2; }

# Installs the committed lockfile when node_modules is missing or older than it. With
# "defer-native", the packages' build scripts (better-sqlite3 compiles from source for about a
# minute on one core) wait for build_native_modules, so the caller can run them beside work
# that needs no native module (the test command's static checks).
ensure_node_modules() {
  if [ ! -x node_modules/.bin/next ] || [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    log "installing dependencies (npm ci)"
    # npm ci installs exactly the committed lockfile and fails when it does not match
    # package.json, so a stale lockfile can never pass unnoticed. The lockfile lists every
    # platform's optional binaries; npm skips the ones for other platforms.
    npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
    touch node_modules/.allotment-native-pending
  fi
  [ -d lib/generated/sqlite ] || node scripts/prisma-generate.mjs
  [ "${1:-}" = defer-native ] || build_native_modules
}

# The install scripts npm ci skipped (npm rebuild runs them as npm ci would have).
build_native_modules() {
  [ -f node_modules/.allotment-native-pending ] || return 0
  log "building native modules (npm rebuild; better-sqlite3 compiles from source, ~1-2 min)"
  npm rebuild --loglevel=error && rm -f node_modules/.allotment-native-pending
}

# Debian packages the test command needs: chromium-headless-shell (browser tests: Chromium's
# headless-only build, which Playwright itself uses for headless runs; it spends about a quarter
# less CPU per journey than the full browser) and faketime (a test run under a shifted clock).
# One apt-get update, only when something is missing.
ensure_test_packages() {
  local missing=()
  [ -x /usr/bin/chromium-headless-shell ] || missing+=(chromium-headless-shell)
  command -v faketime >/dev/null || missing+=(faketime)
  [ ${#missing[@]} -eq 0 ] && return
  log "installing Debian's ${missing[*]} for the tests"
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

# Seconds from now to the last second of next month (UTC): a clock shifted by this much crosses
# a month boundary during the run.
seconds_to_next_month_end() {
  local target
  target=$(date -u -d "$(date -u +%Y-%m-01) +2 month -10 sec" +%s)
  echo $(( target - $(date -u +%s) ))
}

# Rebuild when there is no build or any source is newer than it.
ensure_build() {
  local dist=${NEXT_DIST_DIR:-.next}
  if [ -f "$dist/BUILD_ID" ] && [ -z "$(find app components lib next.config.ts package-lock.json -newer "$dist/BUILD_ID" -type f -not -path 'lib/generated/*' 2>/dev/null | head -1)" ]; then
    return
  fi
  log "building the app (next build)"
  npx next build >/tmp/allotment-build.log 2>&1 || { cat /tmp/allotment-build.log >&2; return 1; }
}

# A job's CPU seconds from what run_parallel wrote: the children's line of `times`
# ("0m12.5s 0m1.25s": user, system) → 14
job_cpu_seconds() {
  awk 'NR == 2 { t = 0; for (i = 1; i <= NF; i++) { split($i, p, "m"); t += p[1] * 60 + p[2] } printf "%d", t }' "$1" 2>/dev/null || echo "?"
}

# Runs jobs at once, each a shell function name (its label is the name), each into its own log,
# because most of the suite's tools use one core and CI has two. When all have ended, prints the
# whole log of every failed job and the last lines of every passed one; fails if any failed.
run_parallel() {
  local dir job i failed=0
  dir=$(mktemp -d)
  local -a pids=()
  local jobs_started
  jobs_started=$(date +%s)
  for job in "$@"; do
    # each job's own CPU (its processes' and their waited-for children's) and when it ended,
    # to see where the suite's minutes go
    ("$job" && times >"$dir/$job.cpu" && date +%s >"$dir/$job.end") >"$dir/$job.log" 2>&1 &
    pids+=($!)
  done
  i=0
  for job in "$@"; do
    if wait "${pids[$i]}"; then
      log "passed: $job in $(( $(cat "$dir/$job.end") - jobs_started )) s, CPU $(job_cpu_seconds "$dir/$job.cpu") s (last lines of its log)"
      tail -n 12 "$dir/$job.log" >&2
    else
      log "FAILED: $job (its whole log)"
      cat "$dir/$job.log" >&2
      failed=1
    fi
    i=$((i + 1))
  done
  return $failed
}
