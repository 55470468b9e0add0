#!/usr/bin/env bash
# Start a throwaway PostgreSQL 15 cluster on a Unix socket and print the socket directory.
#   dir=$(scripts/pg-throwaway.sh start)   ...   scripts/pg-throwaway.sh stop "$dir"
# initdb refuses to run as root, so the cluster runs as the postgres user when we are root.
set -euo pipefail
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case "${1:-}" in
  start)
    d=$(mktemp -d /tmp/jiuzhu-pg.XXXX)
    [ "$(id -u)" = 0 ] && chown postgres "$d"
    as_pg "$PGBIN/initdb" -D "$d/data" -A trust -U jiuzhu -E UTF8 --locale=C.UTF-8 >"$d/initdb.log" 2>&1
    as_pg "$PGBIN/pg_ctl" -D "$d/data" -o "-k $d -h '' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100 ${PG_EXTRA_OPTS:-}" -l "$d/log" -w start >/dev/null
    echo "$d"
    ;;
  stop)
    d=${2:?socket directory}
    as_pg "$PGBIN/pg_ctl" -D "$d/data" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$d"
    ;;
  *) echo "usage: $0 start | stop DIR" >&2; exit 2 ;;
esac
