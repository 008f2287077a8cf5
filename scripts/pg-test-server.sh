#!/usr/bin/env bash
# Starts a throwaway PostgreSQL 15 on 127.0.0.1 in a temp dir and prints its DATABASE_URL.
# Usage: eval "$(bash scripts/pg-test-server.sh start)"   …   bash scripts/pg-test-server.sh stop <dir>
# initdb refuses to run as root, so it runs as the `postgres` user when we are root.
set -euo pipefail
cmd=${1:-start}
bindir=""
for d in /usr/local/bin /usr/lib/postgresql/15/bin; do
  if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then bindir=$d; break; fi
done
[ -n "$bindir" ] || { echo "pg-test-server: no initdb/pg_ctl found" >&2; exit 1; }

as_pg() {
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

case "$cmd" in
  start)
    dir=$(mktemp -d /tmp/allotment-pg.XXXXXX)
    chmod 777 "$dir"
    port=${PGPORT_TEST:-$(( 20000 + RANDOM % 20000 ))}
    as_pg "$bindir/initdb" -D "$dir/data" -U postgres -A trust --no-sync -E UTF8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    as_pg "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
      -o "-h 127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start >/dev/null \
      || { cat "$dir/server.log" >&2; exit 1; }
    echo "export ALLOTMENT_PG_DIR=$dir"
    echo "export DATABASE_URL_PG=postgresql://postgres@127.0.0.1:$port/postgres"
    ;;
  stop)
    dir=${2:?data dir}
    as_pg "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  *) echo "usage: $0 start|stop <dir>" >&2; exit 2 ;;
esac
